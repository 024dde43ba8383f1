"""Every statistic journeymap reports, in one stdlib-only package (``math``, ``statistics``).

``analyze`` and ``check`` (limits and the regression gate) call these functions and nothing
else, so a figure has one definition whichever command prints it. No numpy or scipy here:
``journeymap check`` must start fast; the tests cross-check every function against
``scipy.stats`` or a second formula.

Conventions:

- every interval takes ``confidence`` (a two-sided level, keyword, default 0.95); a
  one-sided 95% bound is one end of the two-sided 90% interval (``confidence=0.90``);
- an undefined figure is ``None`` (no responses, a zero denominator), never NaN;
- proportions are fractions in [0, 1]; NPS is on -100..100.

Every method assumes independent observations: independent *customers*. Counts of visits
(a customer who loops back is counted at each visit) make intervals too narrow and p-values
too small; the callers say so where they fall back to visits.

The package is split by topic; every public name is imported here, so callers write
``from journeymap.stats import wilson_interval`` whatever module defines it:

- ``normal``: the normal law (``z_value``, ``normal_cdf``, ``normal_sf``, ``Alternative``);
- ``proportions``: Wilson, Newcombe, pooled z, Katz, Fisher;
- ``multiple``: Benjamini-Hochberg and Holm;
- ``nps``: the Net Promoter Score and its interval and test;
- ``samples``: the one quantile, means and Welch's difference;
- ``trends``: p-charts, Laney's p', run rules, Cochran-Armitage, dispersion;
- ``distributions``: incomplete gamma and beta, chi-squared and Student's t;
- ``experiments``: sample ratio mismatch, mixture SPRT, sample size, chance to beat.
"""

from __future__ import annotations

from journeymap.stats.distributions import (
    chi2_sf,
    incomplete_beta_regularized,
    student_t_quantile,
    student_t_sf,
    upper_gamma_regularized,
)
from journeymap.stats.experiments import (
    Sequential,
    chance_to_beat,
    chi_square_goodness_of_fit,
    msprt_two_proportions,
    two_proportion_sample_size,
)
from journeymap.stats.multiple import benjamini_hochberg, holm
from journeymap.stats.normal import Alternative, normal_cdf, normal_sf, z_value
from journeymap.stats.nps import NpsCounts, nps_interval, nps_score, nps_standard_error, nps_test
from journeymap.stats.proportions import (
    fisher_exact,
    katz_ratio_interval,
    newcombe_difference,
    pooled_z,
    ratio,
    two_proportion_test,
    wilson_interval,
)
from journeymap.stats.samples import (
    MeanEstimate,
    WelchDifference,
    mean_interval,
    quantile,
    welch_difference,
)
from journeymap.stats.trends import (
    PChart,
    cochran_armitage,
    dispersion_test,
    overdispersion_ratio,
    p_chart,
    runs_on_one_side,
)

__all__ = [
    "Alternative",
    "MeanEstimate",
    "NpsCounts",
    "PChart",
    "Sequential",
    "WelchDifference",
    "benjamini_hochberg",
    "chance_to_beat",
    "chi2_sf",
    "chi_square_goodness_of_fit",
    "cochran_armitage",
    "dispersion_test",
    "fisher_exact",
    "holm",
    "incomplete_beta_regularized",
    "katz_ratio_interval",
    "mean_interval",
    "msprt_two_proportions",
    "newcombe_difference",
    "normal_cdf",
    "normal_sf",
    "nps_interval",
    "nps_score",
    "nps_standard_error",
    "nps_test",
    "overdispersion_ratio",
    "p_chart",
    "pooled_z",
    "quantile",
    "ratio",
    "runs_on_one_side",
    "student_t_quantile",
    "student_t_sf",
    "two_proportion_sample_size",
    "two_proportion_test",
    "upper_gamma_regularized",
    "welch_difference",
    "wilson_interval",
    "z_value",
]
