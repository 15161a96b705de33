"""Sub-commands of ``mpp``: each module defines ``register(subparsers)``."""
