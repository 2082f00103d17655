"""Synthetic science APIs: physics, chemistry, biology, astronomy, earth science, medicine.

Functions a science tutor, a lab or a reference app might expose, written in this project's
words. Several take look-alike inputs (a mass and a speed, a height and a weight, a DNA
sequence) so that a request can be offered a near miss beside the function it needs.
"""

from __future__ import annotations

import random
from typing import Any

from behaviorlab.tasks.bfcl._apis import (
    Api,
    B,
    E,
    I,
    L,
    N,
    Param,
    S,
    date,
    decimal,
    integer,
    listing,
    pick,
    place,
)

# ----------------------------------------------------------------------------- pools

FORMULAS = [
    "H2O", "NaCl", "CO2", "C6H12O6", "H2SO4", "CaCO3", "NH3", "KMnO4", "C2H5OH",
    "Fe2O3", "NaHCO3", "MgSO4", "CH4", "KNO3",
]  # fmt: skip
SOLUTES = ["HCl", "HNO3", "NaOH", "KOH", "HBr", "LiOH"]
GASES = ["nitrogen", "helium", "carbon dioxide", "argon", "oxygen", "methane"]
GENOTYPES = ["AA", "Aa", "aa"]
SPECIES = [
    "red fox", "snow leopard", "axolotl", "monarch butterfly", "giant kelp",
    "African elephant", "emperor penguin", "honey bee", "blue whale", "Venus flytrap",
    "green sea turtle", "Komodo dragon",
]  # fmt: skip
LANDMARKS = [
    "Lake Titicaca", "Death Valley", "Ben Nevis", "Mount Kosciuszko", "the Dead Sea shore",
    "Table Mountain", "La Paz, Bolivia", "Mont Blanc", "Denver, Colorado",
]  # fmt: skip
PORTS = [
    "Saint-Malo", "Whitby harbour", "Anchorage", "Dover", "Broome", "Cherbourg",
    "Burntcoat Head", "Port Phillip Bay", "Cuxhaven",
]  # fmt: skip
MEDICINES = [
    "warfarin", "ibuprofen", "sertraline", "simvastatin", "clarithromycin", "metformin",
    "amlodipine", "omeprazole", "lisinopril", "tramadol",
]  # fmt: skip
RESISTORS = [10, 22, 47, 100, 150, 220, 330, 470, 680, 1000, 2200, 4700]

SPEED_UNITS = {"m_s": "in metres per second", "km_h": "in km per hour", "mph": "in miles per hour"}
BODIES = {"earth": "on Earth", "moon": "on the Moon", "mars": "on Mars", "jupiter": "on Jupiter"}
WIRING = {"series": "in series", "parallel": "in parallel"}
CROSS_REPORT = {"genotypes": "genotype ratio", "phenotypes": "phenotype ratio"}
SPECIES_DETAILS = {
    "habitat": "habitat", "diet": "diet", "lifespan": "lifespan",
    "status": "conservation status", "range": "geographic range",
}  # fmt: skip
HEMISPHERES = {"north": "as seen from the northern hemisphere",
               "south": "as seen from the southern hemisphere"}  # fmt: skip
HEIGHT_UNITS = {"meters": "in metres", "feet": "in feet"}
BSA_FORMULAS = {"mosteller": "with the Mosteller formula", "du_bois": "using Du Bois",
                "haycock": "by the Haycock method"}  # fmt: skip


def dna(rng: random.Random) -> str:
    return "".join(rng.choice("ACGT") for _ in range(rng.randint(12, 27)))


def somewhere_high(rng: random.Random) -> str:
    return rng.choice(LANDMARKS) if rng.random() < 0.5 else place(rng)


def resistor_set(rng: random.Random) -> list[int]:
    return sorted(rng.sample(RESISTORS, rng.randint(2, 4)))


def gas_sample(rng: random.Random) -> dict[str, Any]:
    return {
        "pressure_kpa": decimal(50, 500)(rng),
        "volume_l": decimal(0.5, 100)(rng),
        "temperature_k": integer(200, 600)(rng),
    }


def say_gas(v: dict[str, Any]) -> str:
    return f"{v['volume_l']} L at {v['pressure_kpa']} kPa and {v['temperature_k']} K"


def species_details(rng: random.Random) -> list[str]:
    return rng.sample(list(SPECIES_DETAILS), rng.randint(1, 3))


# ----------------------------------------------------------------------------- the APIs

SCIENCE_APIS: tuple[Api, ...] = (
    # physics
    Api(
        "average_speed", "physics",
        "Divides a distance travelled by the time taken to give the mean speed.",
        (
            N("distance_m", "Distance covered, in metres.", decimal(10, 42195)),
            N("time_s", "Time taken, in seconds.", decimal(2, 9000)),
            E("unit", "Unit the speed is reported in.", SPEED_UNITS, required=False,
              default="m_s"),
        ),
        ("what was the average speed over {distance_m} metres covered in {time_s} seconds",
         "work out the mean speed for {distance_m} m in {time_s} s {unit}",
         "how fast did I go on average if I covered {distance_m} m in {time_s} seconds",
         "give me the average speed for {distance_m} m in {time_s} s, {unit}"),
        aliases=("mean_speed", "avgSpeed"),
    ),
    Api(
        "kinetic_energy", "physics",
        "Gives the energy of motion, in joules, of a mass moving at a given speed.",
        (
            N("mass_kg", "Mass of the moving object in kilograms.", decimal(0.1, 2000)),
            N("speed_ms", "Its speed in metres per second.", decimal(0.5, 120)),
        ),
        ("work out the kinetic energy of a {mass_kg} kg object moving at {speed_ms} m/s",
         "what is the kinetic energy of {mass_kg} kg travelling at {speed_ms} metres per second",
         "get the kinetic energy for mass {mass_kg} kg and speed {speed_ms} m/s",
         "how many joules of motion energy does a {mass_kg} kg cart at {speed_ms} m/s carry"),
        aliases=("kineticEnergy", "compute_kinetic_energy"),
    ),
    Api(
        "linear_momentum", "physics",
        "Multiplies a mass by its velocity to give its momentum in kg·m/s.",
        (
            N("mass_kg", "Mass in kilograms.", decimal(0.1, 2000)),
            N("velocity_ms", "Velocity in metres per second.", decimal(0.5, 120)),
        ),
        ("find the momentum of a {mass_kg} kg body moving at {velocity_ms} m/s",
         "what momentum does a {mass_kg} kg trolley have at {velocity_ms} metres per second",
         "give me the momentum of {mass_kg} kg at {velocity_ms} m/s"),
        aliases=("momentum_of",),
    ),
    Api(
        "free_fall_time", "physics",
        "Works out how long an object dropped from rest takes to reach the ground, ignoring air drag.",
        (
            N("height_m", "Drop height in metres.", decimal(1, 500)),
            E("body", "World the drop happens on, which sets the gravity.", BODIES,
              required=False, default="earth"),
            B("with_impact_speed", "Also return the speed just before landing.",
              "and give the impact speed too", "no need for the impact speed"),
        ),
        ("how long does an object dropped from {height_m} m take to hit the ground",
         "how long would a fall from {height_m} metres last {body}",
         "time a drop from a height of {height_m} m {body}, {with_impact_speed}",
         "calculate the free-fall time from {height_m} metres {with_impact_speed}"),
        aliases=("drop_time", "freeFallDuration"),
    ),
    Api(
        "projectile_range", "physics",
        "Predicts how far a projectile lands from its launch point on level ground, without air drag.",
        (
            N("launch_speed_ms", "Launch speed in metres per second.", decimal(2, 80)),
            I("angle_deg", "Launch angle above the horizontal, in degrees.", integer(5, 85)),
            N("launch_height_m", "Height of the launch point above the ground in metres.",
              decimal(0.5, 50), required=False, default=0),
        ),
        ("how far will a ball launched at {launch_speed_ms} m/s and {angle_deg} degrees travel",
         "compute the horizontal range of a projectile fired at {launch_speed_ms} m/s at an angle of {angle_deg} degrees",
         "get the range for a launch at {launch_speed_ms} m/s, {angle_deg} degrees up, from {launch_height_m} m above the ground",
         "where does a stone thrown at {angle_deg} degrees with a speed of {launch_speed_ms} m/s come down"),
        aliases=("projectileRange", "range_of_projectile"),
    ),
    Api(
        "combined_resistance", "physics",
        "Gives the single equivalent resistance of several resistors wired in series or in parallel.",
        (
            Param("resistors_ohm", "array", "Resistance of each resistor in ohms.",
                  resistor_set, say=listing, items={"type": "number"}),
            E("arrangement", "How the resistors are connected.", WIRING),
        ),
        ("what is the total resistance of {resistors_ohm} ohm resistors wired {arrangement}",
         "combine resistors of {resistors_ohm} ohms {arrangement}",
         "find the equivalent resistance when {resistors_ohm} ohm resistors are connected {arrangement}"),
        aliases=("equivalent_resistance", "resistorNetwork"),
    ),
    # chemistry
    Api(
        "molar_mass", "chemistry",
        "Adds up the atomic masses in a chemical formula to give grams per mole.",
        (S("formula", "Chemical formula with element symbols and counts, e.g. 'MgCl2'.",
           pick(FORMULAS)),),
        ("what is the molar mass of {formula}",
         "calculate the molar mass of {formula} in g/mol",
         "look up the molar mass of {formula}",
         "tell me how many grams one mole of {formula} weighs"),
        aliases=("formula_weight", "getMolarMass"),
    ),
    Api(
        "grams_to_moles", "chemistry",
        "Converts a weighed mass of a compound into an amount in moles.",
        (
            N("grams", "Mass of the sample in grams.", decimal(0.5, 500)),
            S("formula", "Chemical formula of the compound.", pick(FORMULAS)),
        ),
        ("how many moles are in {grams} g of {formula}",
         "convert {grams} grams of {formula} to moles",
         "tell me how many moles {grams} g of {formula} is"),
        aliases=("moles_from_mass",),
    ),
    Api(
        "solution_ph", "chemistry",
        "Estimates the pH of a solution of a strong acid or strong base from its molar concentration.",
        (
            S("solute", "Formula of the dissolved strong acid or base.", pick(SOLUTES)),
            N("concentration_mol_l", "Concentration in moles per litre.",
              decimal(0.001, 0.5, 3)),
            I("temperature_c", "Solution temperature in degrees Celsius.", integer(5, 60),
              required=False, default=25),
        ),
        ("what is the pH of a {concentration_mol_l} M {solute} solution",
         "find the pH of {solute} at {concentration_mol_l} mol/L",
         "get the pH of {concentration_mol_l} molar {solute} at {temperature_c} °C"),
        aliases=("ph_of_solution", "solutionPH"),
    ),
    Api(
        "gas_moles", "chemistry",
        "Applies the ideal gas law to a gas sample to find how many moles it holds, and its mass if the gas is named.",
        (
            Param(
                "sample", "object", "State of the gas sample.", gas_sample, say=say_gas,
                properties=(
                    N("pressure_kpa", "Pressure in kilopascals.", decimal(50, 500)),
                    N("volume_l", "Volume in litres.", decimal(0.5, 100)),
                    I("temperature_k", "Temperature in kelvin.", integer(200, 600)),
                ),
            ),
            S("gas", "Name of the gas, to convert the moles to grams.", pick(GASES),
              required=False),
        ),
        ("how many moles of gas are in {sample}",
         "use the ideal gas law to find the amount of gas in {sample}",
         "work out the moles and the mass of {gas} in {sample}"),
    ),
    # biology
    Api(
        "punnett_cross", "biology",
        "Builds the Punnett square of a one-gene cross between two parents and reports offspring ratios.",
        (
            S("parent_one", "Genotype of the first parent, e.g. 'Aa'.", pick(GENOTYPES)),
            S("parent_two", "Genotype of the second parent.", pick(GENOTYPES)),
            E("report", "Which ratio to report.", CROSS_REPORT, required=False,
              default="genotypes"),
        ),
        ("make a punnett square for the cross {parent_one} x {parent_two}",
         "what offspring do you get crossing {parent_one} with {parent_two}",
         "give the {report} for {parent_one} crossed with {parent_two}",
         "cross {parent_one} and {parent_two} and show the {report}"),
        aliases=("punnettSquare", "genetic_cross"),
    ),
    Api(
        "gc_content", "biology",
        "Gives the share of G and C bases in a DNA sequence, overall or over sliding windows.",
        (
            S("sequence", "DNA bases as a string of A, C, G and T.", dna),
            I("window", "Length of the sliding window in bases; whole sequence when left out.",
              integer(3, 10), required=False),
        ),
        ("what is the GC content of {sequence}",
         "compute the GC percentage of the sequence {sequence}",
         "scan {sequence} for GC content in sliding windows of {window} bases"),
        aliases=("gcContent", "sequence_gc_ratio"),
    ),
    Api(
        "transcribe_dna", "biology",
        "Transcribes a DNA coding strand into its messenger RNA and can translate it to amino acids.",
        (
            S("sequence", "Coding-strand DNA, 5' to 3', in the letters A, C, G and T.", dna),
            B("translate", "Also translate the mRNA into a protein sequence.",
              "and translate it into a protein", "without translating it"),
        ),
        ("transcribe the DNA strand {sequence} into mRNA",
         "what mRNA would {sequence} produce",
         "turn {sequence} into its RNA transcript {translate}"),
        aliases=("dna_to_rna",),
    ),
    Api(
        "population_projection", "biology",
        "Projects a population forward in time at a yearly growth rate, logistic when a carrying capacity is given.",
        (
            I("start_population", "Individuals today.", integer(20, 20000)),
            N("growth_rate_percent", "Yearly growth rate in percent.", decimal(0.5, 25)),
            I("years", "Years to project ahead.", integer(1, 60)),
            I("carrying_capacity", "Largest population the habitat supports.",
              integer(25000, 200000), required=False),
        ),
        ("project a population of {start_population} growing {growth_rate_percent}% per year over {years} years",
         "how big will a colony of {start_population} be after {years} years at {growth_rate_percent} percent annual growth",
         "model {start_population} animals growing {growth_rate_percent}% a year for {years} years with a carrying capacity of {carrying_capacity}"),
        aliases=("populationGrowth", "grow_population"),
    ),
    Api(
        "species_profile", "biology",
        "Returns a reference entry for a living species: habitat, diet, lifespan, range and conservation status.",
        (
            S("species", "Common name of the species.", pick(SPECIES)),
            Param("details", "array", "Which parts of the entry to return; all when left out.",
                  species_details, say=lambda v: listing([SPECIES_DETAILS[x] for x in v]),
                  items={"type": "string", "enum": list(SPECIES_DETAILS)}, required=False),
        ),
        ("tell me about the {species}",
         "pull up the {details} of the {species}",
         "what do we know about the {species}, especially its {details}",
         "look up the species profile of the {species}"),
        aliases=("species_lookup",),
    ),
    # astronomy
    Api(
        "orbital_period", "astronomy",
        "Uses Kepler's third law to give how long one orbit takes at a given distance from a star.",
        (
            N("semi_major_axis_au", "Orbit's semi-major axis in astronomical units.",
              decimal(0.1, 40)),
            N("star_mass_solar", "Mass of the star in solar masses.", decimal(0.1, 5),
              required=False, default=1.0),
        ),
        ("how long does a planet at {semi_major_axis_au} AU take to go round its star",
         "calculate the orbital period for a semi-major axis of {semi_major_axis_au} AU around a star of {star_mass_solar} solar masses",
         "find the year length of a world orbiting at {semi_major_axis_au} astronomical units"),
        aliases=("keplerPeriod", "period_from_orbit"),
    ),
    Api(
        "escape_velocity", "astronomy",
        "Gives the speed needed to escape a planet or moon's gravity from its surface.",
        (
            N("mass_earths", "Mass of the body in Earth masses.", decimal(0.01, 320)),
            I("radius_km", "Radius of the body in kilometres.", integer(500, 72000)),
        ),
        ("what is the escape velocity of a body of {mass_earths} Earth masses with a radius of {radius_km} km",
         "how fast must a rocket go to leave a planet with {mass_earths} times Earth's mass and a {radius_km} km radius",
         "give me the escape speed for mass {mass_earths} Earths and radius {radius_km} km"),
        aliases=("escapeVelocity",),
    ),
    Api(
        "moon_phase", "astronomy",
        "Tells the Moon's phase and the lit fraction of its disc on a date.",
        (
            S("date", "Day to check, YYYY-MM-DD.", date),
            E("hemisphere", "Where it is seen from, which flips the lit side.", HEMISPHERES,
              required=False, default="north"),
        ),
        ("what phase is the moon in on {date}",
         "show the moon phase for {date} {hemisphere}",
         "how full will the moon be on {date}"),
        aliases=("lunar_phase", "getMoonPhase"),
    ),
    # earth science
    Api(
        "quake_energy", "earth_science",
        "Estimates the seismic energy an earthquake of a given moment magnitude releases, optionally against a second one.",
        (
            N("magnitude", "Moment magnitude of the earthquake.", decimal(2, 9.5, 1)),
            N("compare_magnitude", "A second magnitude to compare the energy with.",
              decimal(2, 9.5, 1), required=False),
        ),
        ("how much energy does an earthquake of magnitude {magnitude} release",
         "estimate the energy set free by a {magnitude} quake",
         "compare the energy of a magnitude {magnitude} earthquake with one of magnitude {compare_magnitude}"),
        aliases=("earthquake_energy", "seismicEnergy"),
    ),
    Api(
        "place_elevation", "earth_science",
        "Looks up the height above sea level of a town or landmark.",
        (
            S("location", "Town, landmark or summit, with its region or country where given.",
              somewhere_high),
            E("units", "Unit of the height.", HEIGHT_UNITS, required=False, default="meters"),
        ),
        ("what is the elevation of {location}",
         "how high above sea level is {location} {units}",
         "look up the altitude of {location}"),
        aliases=("elevation_lookup",),
    ),
    Api(
        "tide_times", "earth_science",
        "Lists the predicted high and low tides at a coastal spot on a day.",
        (
            S("port", "Harbour or coastal location.", pick(PORTS)),
            S("date", "Day, YYYY-MM-DD.", date),
        ),
        ("when are high and low tide at {port} on {date}",
         "get the tide table for {port} on {date}",
         "list the tides at {port} for {date}"),
        aliases=("tide_table",),
    ),
    # medicine
    Api(
        "weight_based_dose", "medicine",
        "Works out a drug dose from the patient's body weight and a milligrams-per-kilogram rate.",
        (
            N("weight_kg", "Patient's weight in kilograms.", decimal(3, 120, 1)),
            N("mg_per_kg", "Prescribed milligrams per kilogram.", decimal(1, 30, 1)),
            I("doses_per_day", "Doses the total is split into each day.", integer(2, 4),
              required=False, default=1),
        ),
        ("what dose does a {weight_kg} kg patient get at {mg_per_kg} mg/kg",
         "work out a weight-based dose of {mg_per_kg} mg per kg for someone weighing {weight_kg} kg",
         "calculate the dose for {weight_kg} kg at {mg_per_kg} mg/kg split into {doses_per_day} doses a day"),
        aliases=("dose_by_weight", "calcWeightDose"),
    ),
    Api(
        "body_surface_area", "medicine",
        "Estimates a person's body surface area in square metres from height and weight.",
        (
            N("height_cm", "Height in centimetres.", decimal(140, 205, 1)),
            N("weight_kg", "Weight in kilograms.", decimal(40, 140, 1)),
            E("formula", "Estimation formula.", BSA_FORMULAS, required=False,
              default="mosteller"),
        ),
        ("what is the body surface area of someone {height_cm} cm tall weighing {weight_kg} kg",
         "compute the BSA for height {height_cm} cm and weight {weight_kg} kg {formula}",
         "find the body surface area of a {weight_kg} kg, {height_cm} cm patient"),
        aliases=("bsa_calc", "bodySurfaceArea"),
    ),
    Api(
        "heart_rate_zones", "medicine",
        "Splits a person's heart-rate range into five training zones from age and, if known, resting pulse.",
        (
            I("age", "Age in years.", integer(15, 85)),
            I("resting_hr", "Resting heart rate in beats per minute.", integer(40, 95),
              required=False),
        ),
        ("what are the heart rate training zones at age {age}",
         "work out heart rate zones for a {age}-year-old with a resting pulse of {resting_hr}",
         "split heart rate into training zones for age {age}"),
        aliases=("hr_zones",),
    ),
    Api(
        "drug_interactions", "medicine",
        "Checks a list of medicines for known interactions between any two of them.",
        (L("drugs", "Generic names of the medicines taken together.", MEDICINES),),
        ("check whether {drugs} interact",
         "look for known interactions between {drugs}",
         "which interactions should I know about when taking {drugs} together"),
        aliases=("interaction_check", "checkDrugInteractions"),
    ),
)  # fmt: skip
