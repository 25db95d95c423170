"""The loss curves of a run as a PNG, through matplotlib (``pip install 'symrnn[plot]'``)."""
from symrnn.errors import ConfigError


def plot_losses(path, history):
    """Draw ``history`` (``{"step", "train_loss", "val"}``, as ``training.monitor.Monitor`` keeps it) to ``path``."""
    try:
        import matplotlib
    except ImportError:
        raise ConfigError("--plot needs matplotlib: pip install 'symrnn[plot]'") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(history["step"], history["train_loss"], label="train (mean of the last steps)")
    val_steps = [s for s, v in zip(history["step"], history["val"]) if v]
    if val_steps:
        ax.plot(val_steps, [v["val_loss"] for v in history["val"] if v], label="held out")
    ax.set(xlabel="step", ylabel="nats / character", title="symrnn training")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
