# checkov loads external Python checks only from folders that contain an __init__.py; without
# this file every check here is skipped silently (policies/run.py guards against that too).
