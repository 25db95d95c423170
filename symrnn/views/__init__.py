"""What symrnn shows: the step viewer page (``viewer``, from ``assets``), a run's report page
(``report``), a model's numbers step by step (``inside``), the min-char-rnn toy (``toy``), shape
traces and graph prints (``trace``), and loss curves through matplotlib (``plot``).
"""
