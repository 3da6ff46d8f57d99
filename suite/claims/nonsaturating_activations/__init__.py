"""Claims of the note's section "Nonsaturating Activation Functions", one module per group of claims:
ReLU family and properties (test_relu_family.py), training performance and ranking
(test_activation_performance.py), SELU, and speed."""
