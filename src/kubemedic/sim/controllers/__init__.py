"""Controllers that make the simulated cluster move, each a small class with a `step(now)`."""
