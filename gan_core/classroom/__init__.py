"""The classroom: who may do what to which run and the class limits (access), names held with their keys and the
teacher's pass (identity), who did what (audit), how a class joins (join), and the lesson's controls (lesson)."""
