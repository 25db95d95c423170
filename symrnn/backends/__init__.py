"""Where graphs become callables (``compile``: the seam every compiled function goes through).

JAX (``jax_backend``, ``jax_random``, and ``function_cache``, which keeps compiled functions
across runs) compiles per shape; Numba compiles once for every shape, with symrnn's rewrites of
float32 tanh and sigmoid (``fast_tanh``, ``vector_math``). A new backend answers
``compile.compiles_per_shape`` and builds its function in ``compile.CompiledFunction``.
"""
