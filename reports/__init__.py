"""Results JSON in, HTML out. No statistics and no TensorFlow here."""
