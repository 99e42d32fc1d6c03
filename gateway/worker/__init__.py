"""`penghubung worker`: the background jobs, their run loop, the metrics server beside them.

Import the modules themselves: this package imports nothing, so the CLI starts without
loading the jobs' dependencies.
"""
