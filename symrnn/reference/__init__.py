"""The NumPy reference: forward passes and backpropagation through time written out by hand.

Nothing here imports PyTensor (or any part of symrnn that does): this is the independent referee
for every symbolic gradient in symrnn, in the spirit of Karpathy's min-char-rnn and lesson 7's
"RNN in pure Python" — but exact, with biases, batches, masks and every built-in cell.

- ``rnn.SimpleRNN``, ``gru.GRU``, ``gru.GRUCombined``, ``lstm.LSTM``, ``stacked.Stacked``: one
  step forward and its backward, per cell, with exactly the equations of ``symrnn.nn.cells``; every
  backward line names the forward line it differentiates.
- ``softmax_ce``: the dense output ``logits = h·W_y + b_y`` and the cross-entropy, forward and back.
- ``bptt``: the loop over time (written once for every cell) and ``loss_and_gradients``.
- ``numerical``: central finite differences and the relative error used to compare gradients.

Arrays are float64 NumPy arrays, time-major: inputs (T, B, n_in), states (B, size).
"""
from symrnn.reference.bptt import ReferenceCell, backward, forward, loss, loss_and_gradients
from symrnn.reference.gru import GRU, GRUCombined
from symrnn.reference.lstm import LSTM
from symrnn.reference.numerical import numerical_gradients, relative_error
from symrnn.reference.rnn import SimpleRNN
from symrnn.reference.stacked import Stacked

__all__ = ["GRU", "GRUCombined", "LSTM", "ReferenceCell", "SimpleRNN", "Stacked", "backward",
           "forward", "loss", "loss_and_gradients", "numerical_gradients", "relative_error"]
