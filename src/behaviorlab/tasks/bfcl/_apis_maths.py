"""Synthetic maths APIs: what a calculator, a maths tutor or a finance app would expose.

Geometry, algebra, number theory, statistics, money sums and unit conversions, written for this
project in its own words. Several take look-alike inputs (two numbers, a list of numbers, a
polynomial's coefficients) so that an example can offer a function that almost fits.
"""

from __future__ import annotations

import random
from typing import Any

from behaviorlab.tasks.bfcl._apis import (
    Api,
    B,
    E,
    I,
    N,
    Param,
    S,
    decimal,
    integer,
    listing,
    pick,
)

# ----------------------------------------------------------------------------- values

EXPRESSIONS = [
    "3*x^2 - 2*x + 1", "sqrt(x + 4) * 2", "(x - 1)*(x + 5)", "2^x - 7", "x^3 - 4*x",
    "sin(x) + x/2", "5/(x + 2)", "ln(x^2 + 1)", "4*x - x^2/3", "abs(x - 6) + 2*x",
]  # fmt: skip
CIRCLE_PART = {"area": "area", "circumference": "circumference"}
SOLIDS = {"cylinder": "cylinder", "cone": "cone"}
DISTANCE_KIND = {"euclidean": "straight-line", "manhattan": "taxicab"}
ANGLE_UNIT = {"degrees": "in degrees", "radians": "in radians"}
BINOMIAL_MODE = {"exactly": "exactly", "at_most": "at most", "at_least": "at least"}
CORRELATION_KIND = {"pearson": "Pearson", "spearman": "Spearman rank"}
COMPOUNDING = {"annually": "yearly", "quarterly": "quarterly", "monthly": "monthly",
               "daily": "daily"}  # fmt: skip
TEMP_SCALES = {"celsius": "degrees Celsius", "fahrenheit": "degrees Fahrenheit",
               "kelvin": "kelvin"}  # fmt: skip
MASS_UNITS = {"kilogram": "kilograms", "gram": "grams", "pound": "pounds", "ounce": "ounces",
              "stone": "stone"}  # fmt: skip
VOLUME_UNITS = {"liter": "litres", "milliliter": "millilitres", "us_gallon": "US gallons",
                "cup": "cups", "fluid_ounce": "fluid ounces"}  # fmt: skip
SPEED_UNITS = {"kph": "km/h", "mph": "miles per hour", "mps": "metres per second",
               "knot": "knots"}  # fmt: skip
TIP_RATES = [10, 12, 15, 18, 20, 25]


def _coefficients(rng: random.Random) -> list[int]:
    """A polynomial of degree 2 to 4, highest power first, with a non-zero leading term."""
    lead = rng.choice([-3, -2, -1, 1, 2, 3, 4, 5])
    return [lead] + [rng.randint(-9, 9) for _ in range(rng.randint(2, 4))]


def _shared_factor(rng: random.Random) -> list[int]:
    """Two to four whole numbers that have a common factor, as a tutor would set them."""
    base = rng.randint(2, 12)
    return rng.sample([base * k for k in range(2, 16)], rng.randint(2, 4))


def _series(rng: random.Random) -> list[int]:
    return [rng.randint(1, 99) for _ in range(5)]


def _comma_list(values: list[Any]) -> str:
    return ", ".join(str(v) for v in values)


def _point(rng: random.Random) -> dict[str, int]:
    return {"x": rng.randint(-12, 12), "y": rng.randint(-12, 12)}


def _point_param(name: str, desc: str) -> Param:
    return Param(
        name, "object", desc, _point, say=lambda v: f"({v['x']}, {v['y']})",
        properties=(
            I("x", "Horizontal coordinate.", integer(-12, 12)),
            I("y", "Vertical coordinate.", integer(-12, 12)),
        ),
    )  # fmt: skip


def _equations(rng: random.Random) -> list[dict[str, int]]:
    while True:
        eqs = [
            {"x_coef": rng.randint(2, 9), "y_coef": rng.randint(2, 9),
             "constant": rng.randint(-20, 30)}
            for _ in range(2)
        ]  # fmt: skip
        # one solution only: the two lines are not parallel
        if eqs[0]["x_coef"] * eqs[1]["y_coef"] != eqs[1]["x_coef"] * eqs[0]["y_coef"]:
            return eqs


def _say_equations(v: list[dict[str, int]]) -> str:
    return listing([f"{e['x_coef']}x + {e['y_coef']}y = {e['constant']}" for e in v])


def _coefficient_param(desc: str) -> Param:
    return Param("coefficients", "array", desc, _coefficients, say=listing,
                 items={"type": "number"})  # fmt: skip


# ----------------------------------------------------------------------------- the APIs

MATHS_APIS: tuple[Api, ...] = (
    # geometry
    Api(
        "circle_measures", "geometry",
        "Gives the area or the circumference of a circle from its radius.",
        (
            N("radius", "Distance from the centre to the edge.", decimal(0.5, 40)),
            E("quantity", "Which measure to return.", CIRCLE_PART, required=False, default="area"),
        ),
        ("work out the {quantity} of a circle whose radius is {radius} cm",
         "how much surface does a round table top with a {radius} cm radius have",
         "find the {quantity} for a circle of radius {radius}"),
        aliases=("circleMeasure",),
    ),
    Api(
        "solid_volume", "geometry",
        "Returns how much space a cylinder or a cone with a circular base encloses.",
        (
            E("shape", "The kind of solid.", SOLIDS),
            N("radius", "Radius of the circular base.", decimal(0.5, 30)),
            N("height", "Height from the base to the top.", decimal(1, 60)),
        ),
        ("how much does a {shape} hold if its radius is {radius} cm and it stands {height} cm tall",
         "get the space inside a {shape} {height} units high on a base of radius {radius}",
         "figure out the capacity of a {shape}: radius {radius}, height {height}"),
        aliases=("volume_of_solid",),
    ),
    Api(
        "point_distance", "geometry",
        "Measures how far apart two points on a flat plane are.",
        (
            _point_param("a", "The first point, as x and y coordinates."),
            _point_param("b", "The second point, as x and y coordinates."),
            E("metric", "How distance is measured.", DISTANCE_KIND, required=False,
              default="euclidean"),
        ),
        ("how far apart are the points {a} and {b}",
         "give me the {metric} distance between {a} and {b}",
         "measure the gap from {a} to {b} on the plane"),
        aliases=("distance2d", "pointsDistance"),
    ),
    Api(
        "regular_polygon_angle", "geometry",
        "Finds the angle at each corner of a regular polygon with a given number of sides.",
        (
            I("sides", "How many equal sides the polygon has.", integer(5, 20)),
            E("unit", "Angle unit of the answer.", ANGLE_UNIT, required=False, default="degrees"),
            B("exterior", "Return the turning (exterior) angle instead of the inside one.",
              "the exterior angle", "the interior angle"),
        ),
        ("what is each inside angle of a regular polygon with {sides} sides",
         "find the angle at every corner of a regular {sides}-sided polygon {unit}",
         "give me {exterior} of a regular polygon that has {sides} sides"),
    ),
    # algebra
    Api(
        "polynomial_roots", "algebra",
        "Finds the values of x at which a polynomial equals zero.",
        (
            _coefficient_param("Coefficients from the highest power of x down to the constant."),
            B("real_only", "Drop the complex roots from the answer.", "real roots only",
              "complex ones included"),
        ),
        ("find every root of the polynomial with coefficients {coefficients}, highest power first",
         "where does the polynomial with coefficients {coefficients} (leading term first) hit zero",
         "solve for the zeros of a polynomial whose coefficients are {coefficients}, {real_only}"),
        aliases=("polyRoots", "roots_of_polynomial"),
    ),
    Api(
        "solve_linear_system", "algebra",
        "Solves two linear equations in x and y for both unknowns.",
        (
            Param(
                "equations", "array", "The two equations, each written as a*x + b*y = c.",
                _equations, say=_say_equations,
                items={
                    "type": "object",
                    "properties": {
                        "x_coef": {"type": "number", "description": "Multiplier of x."},
                        "y_coef": {"type": "number", "description": "Multiplier of y."},
                        "constant": {"type": "number", "description": "Right-hand side."},
                    },
                    "required": ["x_coef", "y_coef", "constant"],
                },
            ),
        ),
        ("solve the simultaneous equations {equations}",
         "find x and y given {equations}",
         "which x and y satisfy both {equations}"),
        aliases=("linear_system_solve",),
    ),
    Api(
        "evaluate_expression", "algebra",
        "Computes the value of a formula in x at a chosen x.",
        (
            S("expression", "The formula, written with x, ^ for powers and the usual functions.",
              pick(EXPRESSIONS)),
            N("x", "Value substituted for x.", decimal(-10, 10)),
            I("precision", "Decimal places to round the result to.", integer(2, 6),
              required=False, default=4),
        ),
        ("evaluate {expression} at x = {x}",
         "what does {expression} come to when x is {x}",
         "plug x = {x} into {expression} and round to {precision} decimal places"),
        aliases=("evalFormula",),
    ),
    Api(
        "differentiate_polynomial", "algebra",
        "Returns the coefficients of a polynomial's derivative.",
        (
            _coefficient_param("Coefficients from the highest power of x down to the constant."),
            I("order", "How many times to differentiate.", integer(2, 3), required=False,
              default=1),
        ),
        ("differentiate the polynomial with coefficients {coefficients} (highest power first)",
         "get the derivative of the polynomial whose coefficients, leading term first, are {coefficients}",
         "take the polynomial {coefficients} (coefficients from the top degree down) and differentiate it {order} times"),
        aliases=("polynomialDerivative",),
    ),
    Api(
        "integrate_polynomial", "algebra",
        "Computes the definite integral of a polynomial between two limits.",
        (
            _coefficient_param("Coefficients from the highest power of x down to the constant."),
            N("lower", "Where the integration starts.", decimal(-4, 1, 1)),
            N("upper", "Where the integration stops.", decimal(1.5, 8, 1)),
        ),
        ("integrate the polynomial with coefficients {coefficients} up to x = {upper}, starting at x = {lower}",
         "what area lies under the polynomial {coefficients} (highest degree first) up to x = {upper}, starting from x = {lower}",
         "compute the definite integral of the polynomial with coefficients {coefficients}, upper limit {upper}, lower limit {lower}"),
        aliases=("definite_integral_poly", "polyIntegrate"),
    ),
    # number theory
    Api(
        "greatest_common_divisor", "number_theory",
        "Finds the largest whole number that divides every number in a list.",
        (
            Param("numbers", "array", "The whole numbers, at least two.", _shared_factor,
                  say=listing, items={"type": "integer"}),
        ),
        ("find the greatest common divisor of {numbers}",
         "what is the highest common factor of {numbers}",
         "get the gcd of {numbers}"),
        aliases=("hcf_of_list",),
    ),
    Api(
        "least_common_multiple", "number_theory",
        "Finds the smallest positive number that every number in a list divides.",
        (
            Param("numbers", "array", "The whole numbers, at least two.", _shared_factor,
                  say=listing, items={"type": "integer"}),
        ),
        ("what is the lowest common multiple of {numbers}",
         "find the smallest number that {numbers} all divide into",
         "work out the lcm of {numbers}"),
        aliases=("lcmOfNumbers", "smallest_common_multiple"),
    ),
    Api(
        "prime_factorisation", "number_theory",
        "Splits a whole number into the primes that multiply to give it.",
        (
            I("number", "Whole number to factor, 2 or more.", integer(12, 5000)),
            B("distinct_only", "List each prime once instead of once per repeat.",
              "listing each prime only once", "counting repeated primes"),
        ),
        ("break {number} down into its prime factors",
         "what primes multiply together to give {number}",
         "factorise {number} into primes, {distinct_only}"),
        aliases=("primeFactors", "factorize_integer"),
    ),
    Api(
        "count_selections", "number_theory",
        "Counts the ways to pick some items out of a larger set, with or without regard to order.",
        (
            I("chosen", "How many items are picked.", integer(2, 5)),
            I("pool_size", "How many items there are to pick from.", integer(6, 30)),
            B("ordered", "Count different orders as different picks.", "where order matters",
              "where order doesn't matter"),
        ),
        ("how many ways can I pick {chosen} items out of {pool_size}",
         "count the ways to choose {chosen} from {pool_size} {ordered}",
         "work out how many different {chosen}-person teams can be formed from {pool_size} people"),
        aliases=("countArrangements",),
    ),
    # statistics
    Api(
        "binomial_probability", "statistics",
        "Gives the chance of a number of successes in repeated independent tries.",
        (
            I("successes", "Number of successes asked about.", integer(2, 6)),
            I("trials", "Number of independent tries.", integer(8, 40)),
            N("success_rate", "Chance that one try succeeds, between 0 and 1.",
              decimal(0.05, 0.95)),
            E("mode", "Whether the count is exact or a bound.", BINOMIAL_MODE, required=False,
              default="exactly"),
        ),
        ("what is the chance, over {trials} independent tries that each succeed with probability {success_rate}, of {mode} {successes} successes",
         "find the probability of getting {successes} heads in {trials} flips of a coin that lands heads with probability {success_rate}",
         "how likely is it, over {trials} shots, that a player with a {success_rate} hit rate scores {mode} {successes}"),
        aliases=("binomial_chance",),
    ),
    Api(
        "dice_sum_probability", "statistics",
        "Gives the chance that a throw of several fair dice totals a given number.",
        (
            I("dice", "How many dice are thrown.", integer(2, 4)),
            I("target", "The total asked about.", integer(5, 12)),
            I("sides", "Faces on each die.", pick([6, 8, 10, 12, 20]), required=False,
              default=6),
            B("at_least", "Count totals at or above the target, not just equal to it.",
              "or more", "exactly"),
        ),
        ("what are the odds of rolling a total of {target} with {dice} dice",
         "find the probability that {dice} dice with {sides} sides each add up to {target} {at_least}",
         "how likely is a sum of {target} {at_least} when I throw {dice} dice"),
        aliases=("diceOdds",),
    ),
    Api(
        "z_score", "statistics",
        "Says how many standard deviations a value lies above or below the mean.",
        (
            N("value", "The observation to standardise.", decimal(40, 100)),
            N("mean", "Average of the population.", decimal(50, 80)),
            N("std_dev", "Standard deviation of the population.", decimal(3, 15)),
        ),
        ("how many standard deviations is {value} away from an average of {mean} when the sd is {std_dev}",
         "standardise the score {value} against mean {mean}, sd {std_dev}",
         "what z value does a mark of {value} get if the class average is {mean} and the sd is {std_dev}"),
        aliases=("standard_score", "zScore"),
    ),
    Api(
        "correlation_coefficient", "statistics",
        "Measures how closely two equally long series of numbers move together.",
        (
            Param("x_values", "array", "The first series.", _series, say=_comma_list,
                  items={"type": "number"}),
            Param("y_values", "array", "The second series, paired with the first.", _series,
                  say=_comma_list, items={"type": "number"}),
            E("method", "Which coefficient to use.", CORRELATION_KIND, required=False,
              default="pearson"),
        ),
        ("how strongly do the series {x_values} and {y_values} go together",
         "compute the {method} correlation between x values {x_values} and y values {y_values}",
         "check whether hours studied ({x_values}) track exam marks ({y_values})"),
        aliases=("corrCoef",),
    ),
    Api(
        "fit_line", "statistics",
        "Fits a least-squares straight line through paired data and can predict from it.",
        (
            Param("x_values", "array", "The inputs.", _series, say=_comma_list,
                  items={"type": "number"}),
            Param("y_values", "array", "The outputs, paired with the inputs.", _series,
                  say=_comma_list, items={"type": "number"}),
            N("predict_at", "An input to predict the output for.", decimal(1, 120),
              required=False),
        ),
        ("fit a straight line to x = {x_values} and y = {y_values}",
         "run a linear regression of y values {y_values} on x values {x_values} and predict y at {predict_at}",
         "what trend line best fits the points with x {x_values} and y {y_values}"),
        aliases=("linear_regression", "bestFitLine"),
    ),
    # money maths
    Api(
        "compound_interest", "money_maths",
        "Grows a deposit at a fixed interest rate that is added to the balance periodically.",
        (
            N("principal", "Money deposited at the start.", decimal(500, 50000)),
            N("rate_percent", "Yearly interest rate in percent.", decimal(0.5, 9)),
            I("years", "How long the money stays in.", integer(1, 30)),
            E("compounding", "How often interest is added.", COMPOUNDING, required=False,
              default="annually"),
        ),
        ("how much will {principal} grow to at {rate_percent}% interest compounded {compounding} over {years} years",
         "work out the balance after {years} years if I deposit {principal} at {rate_percent} percent, compounding {compounding}",
         "find the interest earned on {principal} at {rate_percent}% for {years} years"),
        aliases=("compoundGrowth", "interest_compound"),
    ),
    Api(
        "present_value", "money_maths",
        "Discounts a sum due in the future back to what it is worth today.",
        (
            N("future_amount", "The sum to be received later.", decimal(1000, 100000)),
            N("rate_percent", "Yearly discount rate in percent.", decimal(1, 10)),
            I("years", "Years until the sum arrives.", integer(1, 25)),
        ),
        ("what is {future_amount} received in {years} years worth today at a {rate_percent}% discount rate",
         "discount {future_amount} due in {years} years back to today using {rate_percent} percent a year",
         "how much should I invest now to have {future_amount} in {years} years if it earns {rate_percent}% yearly"),
        aliases=("discount_to_present",),
    ),
    Api(
        "return_on_investment", "money_maths",
        "Gives the percentage gained or lost on money put into something, yearly when a period is given.",
        (
            N("cost", "What was paid in.", decimal(200, 20000)),
            N("final_value", "What it is worth now or was sold for.", decimal(150, 30000)),
            I("years", "How long it was held; the return is annualised when given.",
              integer(2, 15), required=False),
        ),
        ("what return would I make selling for {final_value} something I bought for {cost}",
         "work out the ROI of ending at {final_value} after putting in {cost}",
         "compute the yearly return of reaching {final_value} from {cost} over {years} years"),
        aliases=("roi_percent", "investmentReturn"),
    ),
    Api(
        "split_bill", "money_maths",
        "Adds a tip to a bill and divides the total between the people paying.",
        (
            N("total", "The bill before the tip.", decimal(20, 400)),
            N("tip_percent", "Tip as a percentage of the bill.", pick(TIP_RATES)),
            I("people", "How many people share the bill.", integer(2, 8), required=False,
              default=1),
        ),
        ("tip {tip_percent}% on a {total} bill",
         "split a {total} bill with a {tip_percent} percent tip among {people} people",
         "how much does each of us owe on a {total} check plus {tip_percent}% tip if there are {people} of us"),
        aliases=("tip_calculator", "splitCheck"),
    ),
    # units
    Api(
        "convert_temperature_scale", "units",
        "Converts a temperature between the Celsius, Fahrenheit and Kelvin scales.",
        (
            N("value", "The temperature to convert.", decimal(5, 240, 1)),
            E("from_scale", "Scale of the value.", TEMP_SCALES),
            E("to_scale", "Scale wanted.", TEMP_SCALES),
        ),
        ("what is {value} {from_scale} in {to_scale}",
         "turn {value} {from_scale} into {to_scale}",
         "change a reading of {value} {from_scale} to {to_scale}"),
        aliases=("temperatureConvert",),
    ),
    Api(
        "convert_mass_units", "units",
        "Converts a weight from one unit of mass into another.",
        (
            N("value", "The amount to convert.", decimal(0.1, 300)),
            E("from_unit", "Unit of the amount.", MASS_UNITS),
            E("to_unit", "Unit wanted.", MASS_UNITS),
            I("round_to", "Decimal places in the answer.", integer(2, 4), required=False,
              default=2),
        ),
        ("how many {to_unit} are there in {value} {from_unit}",
         "express {value} {from_unit} in {to_unit}",
         "change {value} {from_unit} into {to_unit}, rounded to {round_to} decimal places"),
    ),
    Api(
        "convert_volume_units", "units",
        "Converts a liquid volume between metric, US and kitchen units.",
        (
            N("value", "The volume to convert.", decimal(0.2, 500)),
            E("from_unit", "Unit of the volume.", VOLUME_UNITS),
            E("to_unit", "Unit wanted.", VOLUME_UNITS),
        ),
        ("how many {to_unit} is {value} {from_unit}",
         "switch {value} {from_unit} over to {to_unit}",
         "rewrite {value} {from_unit} of milk as {to_unit}"),
        aliases=("volumeConvert", "liquid_measure"),
    ),
    Api(
        "convert_speed_units", "units",
        "Converts a speed from one unit into another.",
        (
            N("value", "The speed to convert.", decimal(1, 300)),
            E("from_unit", "Unit of the speed.", SPEED_UNITS),
            E("to_unit", "Unit wanted.", SPEED_UNITS),
        ),
        ("how fast is {value} {from_unit} in {to_unit}",
         "turn a speed of {value} {from_unit} into {to_unit}",
         "give me {value} {from_unit} expressed in {to_unit}"),
    ),
)  # fmt: skip
