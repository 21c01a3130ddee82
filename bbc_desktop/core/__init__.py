"""The counter's rules: tickets, grades, deadlines, numbering, lifecycle. Imports no Qt."""
