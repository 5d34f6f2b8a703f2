"""Learning helpers shared by the models Marsad ships (numpy only, weights as readable TSV)."""
from .logistic import bucket, fit_logistic, sigmoid
from .weights import weight_rows

__all__ = ["bucket", "fit_logistic", "sigmoid", "weight_rows"]
