"""The classroom's rules: who may do what to which run, the class limits, and the teacher's password gate."""
