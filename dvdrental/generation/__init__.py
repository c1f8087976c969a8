"""The dvdrental simulation: pure numpy, no Django. One engine; levels 1-4 are presets of its configuration."""
