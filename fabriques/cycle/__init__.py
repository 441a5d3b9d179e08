"""The yearly cycle of a Fabrique: its transitions and their guards, above the apps whose state they read."""
