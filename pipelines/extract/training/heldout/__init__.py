"""Held-out labelled sentences and the sentence assessor's recipe (`train_assessor`)."""
