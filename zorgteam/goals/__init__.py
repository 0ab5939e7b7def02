"""Goal-oriented care in the web layer: the goals page, life goals, care goals, GAS evaluations, the spider web."""
from zorgteam.goals.views import bp

__all__ = ["bp"]
