"""The teaching kit: exercise files, answer keys computed from the data, grading by result, a read-only runner."""
