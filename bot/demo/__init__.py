"""The demo: four outlets' feeds and pages on 127.0.0.1, publishing the seed story one by one."""
