"""`python -m kubemedic.api.watcher_main FD`: serve's watcher process (api/watcher.py).

A module of its own so that the watcher's classes keep their names when run: the config the API
process pickles is a `kubemedic.api.watcher.WatcherConfig`, not a `__main__` one.
"""

from kubemedic.api.watcher import main

main()
