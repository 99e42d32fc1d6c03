"""Schema migrations (Tortoise built-in), applied by `penghubung migrate`."""
