"""Learning helpers shared by the models Marsad ships (numpy only, weights as readable TSV)."""
from .logistic import fit_logistic, sigmoid
from .weights import weight_rows

__all__ = ["fit_logistic", "sigmoid", "weight_rows"]
