"""Random numbers under JAX drawn from symrnn's ``shared`` NumPy generators.

PyTensor's JAX functions take a JAX key where the graph reads a random generator. Keying each
call from the NumPy generator (and stepping it) keeps one source of randomness for every
backend: checkpoints save the NumPy state, and a resumed run draws what it would have drawn.
"""


def next_jax_key(generator):
    """A JAX key for the ``shared`` NumPy generator's state, which then steps on.

    A JAX run's random numbers so follow the NumPy generator as the other backends' do (not the
    same numbers: JAX draws its own way), whatever the shapes, and a checkpoint of the NumPy
    state resumes them exactly.
    """
    from pytensor.link.jax.dispatch import jax_typify

    numpy_generator = generator.get_value(borrow=True)
    key = jax_typify(numpy_generator)
    numpy_generator.random()
    return key
