"""Synthesized training data: the simulator's fault scenarios played on a virtual clock, labelled.

`run` is the entry point (`synth_dataset`); `defaults` holds the option defaults the CLI shows, in a
module light enough to import when the CLI starts.
"""
