"""Airline baggage fees (RuleArena's airline domain) as pure Python.

- records and the RuleArena loader (``load_rulearena``);
- the fee schedule encoded as data, with small pure fee functions that agent
  tools can wrap, and an exact calculator with a per-bag explanation
  (``compute_fee``);
- city → region mapping (``region_of_route``);
- a seeded generator with many phrasings (``generate_problems``);
- the L0 deterministic parser (``parse_problem``) and the L1 extraction model
  (``AirlineExtraction``);
- what the task offers the use cases (``behaviorlab.tasks.capability``): generated
  training data for the L1 extraction ptool (``extraction_examples``), the L3 expert
  trajectories (``expert_calls``, replayed by ``expert_model``, cloned by
  ``cloning_examples``), and the calculator and fee tools as behaviour-model subjects.
"""

from behaviorlab.tasks.airline._calculator import (
    CheckedBagCharge,
    FeeBreakdown,
    best_checked_bag_numbers,
    compute_fee,
    total_cost,
)
from behaviorlab.tasks.airline._cloning import cloning_example, cloning_examples
from behaviorlab.tasks.airline._data import (
    AirlineInfo,
    AirlineProblem,
    Bag,
    DatasetRowError,
    LoadResult,
    RowError,
    RuleArenaNotFoundError,
    load_answers,
    load_rulearena,
)
from behaviorlab.tasks.airline._expert import (
    ExpertCall,
    ExpertStep,
    MissingFactsError,
    expert_calls,
    expert_model,
    expert_steps,
    expert_trajectory,
    react_transcript,
)
from behaviorlab.tasks.airline._extraction import (
    AirlineExtraction,
    CheckedBag,
    ExtractionError,
    from_info,
    target_for,
    to_info,
)
from behaviorlab.tasks.airline._families import (
    ALL_FAMILIES,
    FAMILY_SPLITS,
    SPLIT_HASHES,
    family_problems,
    frozen_split,
    split_digest,
)
from behaviorlab.tasks.airline._generator import (
    ALL_TEMPLATES,
    AUGMENT_TEMPLATES,
    HELDOUT_TEMPLATES,
    L1_TRAIN_TEMPLATES,
    TEMPLATES,
    TRAIN_TEMPLATES,
    Scenario,
    generate_problems,
    render_prompt,
)
from behaviorlab.tasks.airline._geo import (
    CITIES,
    City,
    UnknownCityError,
    UnsupportedRouteError,
    lookup_city,
    region_of_route,
)
from behaviorlab.tasks.airline._parser import ParseDeclined, parse_problem
from behaviorlab.tasks.airline._rules import (
    BASE_FEES,
    CABIN_CLASSES,
    REGIONS,
    BagNotAcceptedError,
    CabinClass,
    Direction,
    Region,
    bag_surcharge,
    checked_bag_fee,
    oversize_fee,
    oversize_overweight_fee,
    overweight_fee,
    weight_allowance,
)
from behaviorlab.tasks.airline._rules_text import rules_text
from behaviorlab.tasks.airline._training import (
    LabelCheck,
    airline_problems,
    extraction_examples,
    extraction_pairs,
    retry_examples,
)

__all__ = [
    "ALL_FAMILIES",
    "ALL_TEMPLATES",
    "AUGMENT_TEMPLATES",
    "BASE_FEES",
    "CABIN_CLASSES",
    "CITIES",
    "FAMILY_SPLITS",
    "HELDOUT_TEMPLATES",
    "L1_TRAIN_TEMPLATES",
    "REGIONS",
    "SPLIT_HASHES",
    "TEMPLATES",
    "TRAIN_TEMPLATES",
    "AirlineExtraction",
    "AirlineInfo",
    "AirlineProblem",
    "Bag",
    "BagNotAcceptedError",
    "CabinClass",
    "CheckedBag",
    "CheckedBagCharge",
    "City",
    "DatasetRowError",
    "Direction",
    "ExpertCall",
    "ExpertStep",
    "ExtractionError",
    "FeeBreakdown",
    "LabelCheck",
    "LoadResult",
    "MissingFactsError",
    "ParseDeclined",
    "Region",
    "RowError",
    "RuleArenaNotFoundError",
    "Scenario",
    "UnknownCityError",
    "UnsupportedRouteError",
    "airline_problems",
    "bag_surcharge",
    "best_checked_bag_numbers",
    "checked_bag_fee",
    "cloning_example",
    "cloning_examples",
    "compute_fee",
    "expert_calls",
    "expert_model",
    "expert_steps",
    "expert_trajectory",
    "extraction_examples",
    "extraction_pairs",
    "family_problems",
    "from_info",
    "frozen_split",
    "generate_problems",
    "load_answers",
    "load_rulearena",
    "lookup_city",
    "oversize_fee",
    "oversize_overweight_fee",
    "overweight_fee",
    "parse_problem",
    "react_transcript",
    "region_of_route",
    "render_prompt",
    "retry_examples",
    "rules_text",
    "split_digest",
    "target_for",
    "to_info",
    "total_cost",
    "weight_allowance",
]
