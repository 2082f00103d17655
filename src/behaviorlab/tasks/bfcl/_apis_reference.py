"""Synthetic reference look-up APIs for function-calling training data, in this project's words.

History, geography, law, the arts, sports records, real estate and games: the kind of
functions a reference assistant exposes. Several take look-alike inputs (a place and a year, a
name and a year, two teams or two cities) so that the generator can offer near misses that do
not fit a request. People, places, cases, artworks, teams and games are invented; country and
city names are real.
"""

from __future__ import annotations

from behaviorlab.tasks.bfcl._apis import (
    CITIES,
    Api,
    B,
    E,
    I,
    N,
    Param,
    S,
    date,
    decimal,
    integer,
    listing,
    pick,
    place,
    some,
)

# ----------------------------------------------------------------------------- pools

HIST_PLACES = [
    "Lisbon", "Samarkand", "Bruges", "Kyoto", "Timbuktu", "Krakow", "Cusco", "Venice",
    "the Duchy of Elsmoor", "the Varn Valley", "Old Qestan", "the Isle of Brannoch",
]  # fmt: skip
RULERS = [
    "Queen Isolde of Varnmark", "King Aldric III of Ostmark", "Empress Tavira the Bold",
    "Sultan Rahim of Qestan", "Regent Corvin Hale", "Tsarina Mila Orlenko",
    "Duke Leopold of Elsmoor",
]  # fmt: skip
FIGURES = [
    "Admiral Petra Voss", "Brother Anselm Ruy", "Marguerite Okonjo", "General Halvard Strom",
    "Ilsa Marenko", "Tobias Wrenfield", "Cartographer Yannick Dour",
]  # fmt: skip
EMPIRES = [
    "Kessaran Empire", "Ostmark Dominion", "Tolvani Sultanate", "Auric League",
    "Sunmere Kingdom", "Varnish Realm",
]  # fmt: skip
HIST_CATEGORY = {"politics": "political", "war": "military", "science": "scientific",
                 "culture": "cultural"}  # fmt: skip
FIGURE_ASPECT = {"life": "birth and death dates", "achievements": "main achievements",
                 "family": "family ties", "travels": "journeys"}  # fmt: skip
AREA_UNIT = {"km2": "in square kilometres", "mi2": "in square miles"}

NATIONS = [
    "Portugal", "Kenya", "Japan", "Ecuador", "Estonia", "Norway", "Ghana", "Georgia",
    "Peru", "Vietnam", "Morocco", "Chile", "Slovenia", "Namibia",
]  # fmt: skip
COUNTRY_FACTS = ["capital", "population", "area", "currency", "languages"]
DISTANCE_UNIT = {"km": "in kilometres", "mi": "in miles", "nmi": "in nautical miles"}
MOUNTAIN_REGIONS = [
    "the Andes", "Scandinavia", "the Balkans", "East Africa", "the Alps", "Patagonia",
    "the Caucasus", "New Zealand", "the Atlas range",
]  # fmt: skip

CASE_TOPICS = [
    "tenant eviction", "trademark infringement", "wrongful dismissal", "data privacy",
    "noise nuisance", "medical negligence", "drone surveillance", "crop insurance",
]  # fmt: skip
COURTS = {"supreme": "supreme court", "appeal": "appeals court", "district": "district court"}
CLAIMS = {
    "small_claims": "a small claims case", "appeal": "an appeal",
    "personal_injury": "a personal injury claim", "unfair_dismissal": "an unfair dismissal claim",
    "tax_objection": "a tax objection",
}  # fmt: skip
JURISDICTIONS = ["Ontario", "Scotland", "Bavaria", "New South Wales", "Quebec", "Oregon",
                 "Catalonia", "Victoria"]  # fmt: skip
COMPANIES = [
    "Brightwater Logistics Ltd", "Kestrel Analytics GmbH", "Oaken Mill Bakery LLC",
    "Tidewell Energy AS", "Marrow & Finch Design Ltd", "Saltpine Robotics Inc",
]  # fmt: skip
REGISTRY_COUNTRIES = ["United Kingdom", "Germany", "Norway", "Ireland", "Canada"]

ARTWORKS = [
    "The Lantern Keeper's Daughter", "Storm over Vellmoor", "Blue Orchard at Dusk",
    "Portrait of a Salt Merchant", "The Ninefold Bridge", "Still Life with Copper Kettle",
]  # fmt: skip
MUSEUMS = ["Halden Gallery of Fine Art", "Museum of the Northern Coast", "Orsino Collection",
           "Vellmoor Civic Museum"]  # fmt: skip
COMPOSERS = ["Anton Verlaine", "Sofia Marchetti", "Elias Thornquist", "Nadia Korvel",
             "Benedikt Aurel"]  # fmt: skip
FORMS = {"symphony": "symphonies", "concerto": "concertos", "opera": "operas",
         "chamber": "chamber pieces", "song": "songs"}  # fmt: skip
ROOTS = ["C", "G", "D", "A", "E", "B flat", "E flat", "F sharp", "A flat"]
SCALES = {"major": "major", "natural_minor": "natural minor", "harmonic_minor": "harmonic minor",
          "dorian": "Dorian", "pentatonic": "major pentatonic"}  # fmt: skip
PAINTERS = ["Ottilie Brandvold", "Jonas Merrow", "Clara Ibsen-Vey", "Rafael Dunmore",
            "Hester Quill"]  # fmt: skip

LEAGUES = [
    "Northern Premier Circuit", "Coastal Basketball League", "Highland Rugby Union",
    "Delta Hockey Association", "Meridian Volleyball League",
]  # fmt: skip
ATHLETES = ["Sanna Kiviloo", "Marcus Adeyemi", "Lin Qiaohua", "Teodor Brask", "Aisha Ngata",
            "Paolo Venturi"]  # fmt: skip
EVENTS = {"100m": "100 metres", "400m": "400 metres", "long_jump": "long jump",
          "marathon": "marathon", "high_jump": "high jump"}  # fmt: skip
CLUBS = [
    "Harrowgate Hawks", "Port Elm Mariners", "Vellmoor Rangers", "Coldwater Athletic",
    "Saltmarsh City", "Brackenridge Bears",
]  # fmt: skip

HOMES = [
    "14 Linden Walk, Bergen", "3 Rowan Terrace, Porto", "88 Harbour View, Halifax",
    "21 Kiln Lane, Leipzig", "5 Larch Close, Adelaide", "102 Cedar Row, Montreal",
]  # fmt: skip

BOARD_GAMES = ["Harbor Lords", "Tides of Kessra", "Lantern Market", "Copper Rails",
               "Moonwell Gardens", "Quarry & Crown"]  # fmt: skip
RULE_TOPICS = ["setup", "scoring", "trading", "turn order", "tie-breaking", "two-player mode"]
MOVE_LINES = [
    ["e4", "e5", "Nf3", "Nc6"], ["d4", "d5", "c4"], ["e4", "c5"], ["c4", "e5"],
    ["d4", "Nf6", "c4", "g6"], ["e4", "e6", "d4", "d5"], ["Nf3", "d5", "g3"],
]  # fmt: skip
HOLE_CARDS = [["Ah", "Kd"], ["7c", "7s"], ["Qh", "Jh"], ["9d", "8d"], ["As", "Ac"],
              ["Tc", "9h"]]  # fmt: skip
FLOPS = [["2h", "5d", "6c"], ["3s", "3d", "4h"], ["6h", "2c", "5s"], ["4d", "4c", "2s"]]

# ----------------------------------------------------------------------------- the APIs

REFERENCE_APIS: tuple[Api, ...] = (
    # history
    Api(
        "historical_events", "history",
        "Lists notable events that took place in a place during one calendar year.",
        (
            S("place", "City, region or realm the events happened in.", pick(HIST_PLACES)),
            I("year", "Calendar year, e.g. 1622.", integer(1100, 1900)),
            E("category", "Kind of events to keep; all kinds when left out.", HIST_CATEGORY,
              required=False),
        ),
        ("what happened in {place} in the year {year}",
         "list the {category} events in {place} during {year}",
         "dig up what was going on in {place} around {year}"),
        aliases=("events_by_year", "historyTimeline"),
    ),
    Api(
        "ruler_reign", "history",
        "Gives the start and end of a monarch's or ruler's reign and how it ended.",
        (
            S("ruler", "The ruler's name with title, as usually written.", pick(RULERS)),
            B("include_successor", "Also name who ruled next.", "and who came after",
              "without the successor"),
        ),
        ("how long did {ruler} reign",
         "tell me when {ruler} took the throne and when the reign ended",
         "find the reign dates of {ruler} {include_successor}"),
        aliases=("reign_dates",),
    ),
    Api(
        "historical_figure_facts", "history",
        "Returns a short biography of a historical person, or one side of their life.",
        (
            S("person", "Full name of the person, with any title.", pick(FIGURES)),
            E("aspect", "Part of the life to focus on; a general summary when left out.",
              FIGURE_ASPECT, required=False),
        ),
        ("who was {person}",
         "what do we know about the {aspect} of {person}",
         "write up a quick profile of {person}"),
    ),
    Api(
        "empire_extent", "history",
        "Reports the territory an empire or kingdom controlled in a given year.",
        (
            S("empire", "Name of the empire, league or kingdom, without 'the'.", pick(EMPIRES)),
            I("year", "Year to describe.", integer(900, 1800)),
            E("unit", "Unit for the land area.", AREA_UNIT, required=False, default="km2"),
        ),
        ("how far did the {empire} reach in {year}",
         "show the borders of the {empire} as they stood in {year}",
         "how large was the {empire} in {year}, {unit}"),
        aliases=("realm_territory", "empireBorders"),
    ),
    # geography
    Api(
        "country_profile", "geography",
        "Fetches basic facts about a country such as its capital, population, area and currency.",
        (
            S("country", "Name of the country in English.", pick(NATIONS)),
            Param("facts", "array", "Which facts to return; all of them when left out.",
                  some(COUNTRY_FACTS, 1, 3), say=listing,
                  items={"type": "string", "enum": COUNTRY_FACTS}, required=False),
        ),
        ("give me an overview of {country}",
         "look up the {facts} of {country}",
         "fetch the {facts} on record for {country}"),
        aliases=("nation_facts", "getCountryInfo"),
    ),
    Api(
        "city_distance", "geography",
        "Measures the straight-line distance between two cities on the globe.",
        (
            S("city_a", "First city.", pick(CITIES)),
            S("city_b", "Second city.", pick(CITIES)),
            E("unit", "Unit of the answer.", DISTANCE_UNIT, required=False, default="km"),
        ),
        ("how far apart are {city_a} and {city_b} as the crow flies",
         "measure the distance from {city_a} to {city_b} {unit}",
         "work out how many miles or km separate {city_a} and {city_b}"),
        aliases=("great_circle_distance",),
    ),
    Api(
        "time_zone_of", "geography",
        "Tells which time zone a place lies in and its offset from UTC on a given day.",
        (
            S("location", "Town or city, with region or country where known.", place),
            S("on_date", "Day to check the offset for (summer time matters), YYYY-MM-DD.",
              date, required=False),
        ),
        ("which time zone is {location} in",
         "find the UTC offset of {location} on {on_date}",
         "check what time zone {location} keeps on {on_date}"),
        aliases=("timezoneLookup", "lookup_time_zone"),
    ),
    Api(
        "highest_peak", "geography",
        "Names the tallest mountain of a region or country with its elevation.",
        (
            S("region", "Mountain range, region or country.", pick(MOUNTAIN_REGIONS)),
            B("in_feet", "Give the height in feet instead of metres.", "with the height in feet",
              "with the height in metres"),
        ),
        ("what is the highest mountain in {region}",
         "name the tallest peak of {region} {in_feet}",
         "tell me which summit tops {region}"),
    ),
    # law
    Api(
        "search_case_law", "law",
        "Searches published court decisions on a legal topic handed down in one year.",
        (
            S("topic", "Legal subject to search for.", pick(CASE_TOPICS)),
            I("year", "Year the decision was handed down.", integer(1995, 2025)),
            E("court", "Level of court to limit to; every level when left out.", COURTS,
              required=False),
        ),
        ("search for court cases on {topic} decided in {year}",
         "find {court} rulings about {topic} from {year}",
         "which judgments dealt with {topic} in {year}"),
        aliases=("case_search", "findRulings"),
    ),
    Api(
        "filing_deadline", "law",
        "Works out the last day to bring a legal claim after the event it concerns.",
        (
            E("claim_type", "Kind of claim or filing.", CLAIMS),
            S("jurisdiction", "State, province or country whose rules apply.",
              pick(JURISDICTIONS)),
            S("event_date", "Day the incident or decision happened, YYYY-MM-DD.", date),
        ),
        ("when is the last day to file {claim_type} in {jurisdiction} over something that happened on {event_date}",
         "work out the time limit for {claim_type} in {jurisdiction}; the event was on {event_date}",
         "tell me how long I have to bring {claim_type} in {jurisdiction} counting from {event_date}"),
    ),
    Api(
        "company_registration", "law",
        "Looks up a company's entry in an official business register.",
        (
            S("company", "Registered name of the company, with its legal suffix.",
              pick(COMPANIES)),
            S("country", "Country whose register to search; all registers when left out.",
              pick(REGISTRY_COUNTRIES), required=False),
            B("include_officers", "Also list the current directors.", "with its directors listed",
              "without the list of directors"),
        ),
        ("pull the registration details of {company}",
         "look up {company} in the company register of {country}",
         "show the official record for {company} {include_officers}"),
        aliases=("business_registry_lookup",),
    ),
    # arts
    Api(
        "artwork_details", "arts",
        "Describes an artwork: who made it, when, the medium and where it hangs.",
        (
            S("title", "Title of the work.", pick(ARTWORKS)),
            S("museum", "Collection that holds it, if known.", pick(MUSEUMS), required=False),
        ),
        ("tell me about the painting {title}",
         "look up {title} in the catalogue of the {museum}",
         "who painted {title} and when"),
        aliases=("artworkInfo",),
    ),
    Api(
        "composer_works", "arts",
        "Lists the works of a composer, optionally of one form or from a year on.",
        (
            S("composer", "Composer's full name.", pick(COMPOSERS)),
            E("form", "Musical form to keep.", FORMS, required=False),
            I("from_year", "Only works written in or after this year.", integer(1780, 1920),
              required=False),
        ),
        ("what did {composer} write",
         "list the {form} by {composer}",
         "which {form} did {composer} compose from {from_year} onwards"),
        aliases=("list_compositions", "worksByComposer"),
    ),
    Api(
        "scale_notes", "arts",
        "Spells out the notes of a musical scale built on a root note.",
        (
            S("root", "Root note, e.g. 'E flat'.", pick(ROOTS)),
            E("scale", "Kind of scale.", SCALES),
            B("with_chords", "Also give the triad built on each degree.",
              "along with the chord on each note", "just the notes"),
        ),
        ("spell out the {root} {scale} scale",
         "what notes are in {root} {scale}",
         "list the notes of the {root} {scale} scale, {with_chords}"),
    ),
    Api(
        "painter_period", "arts",
        "Says which period or style a painter was working in during a given year.",
        (
            S("painter", "The painter's name.", pick(PAINTERS)),
            I("year", "Year of interest.", integer(1850, 1960)),
        ),
        ("what style was {painter} painting in around {year}",
         "describe the phase {painter} was in during {year}",
         "find out which stage of their career {painter} had reached by {year}"),
    ),
    # sports records
    Api(
        "league_standings", "sports_records",
        "Returns the final table of a league for one season.",
        (
            S("league", "Name of the league.", pick(LEAGUES)),
            I("season", "Year the season ended.", integer(2005, 2025)),
            I("top", "Only the first this many places.", integer(3, 10), required=False),
        ),
        ("show the final {league} table for {season}",
         "how did the {league} standings look at the end of {season}",
         "give me the top {top} of the {league} in {season}"),
        aliases=("season_table", "getStandings"),
    ),
    Api(
        "athlete_records", "sports_records",
        "Lists the records and personal bests an athlete has set.",
        (
            S("athlete", "The athlete's full name.", pick(ATHLETES)),
            E("event", "Track or field event to keep; every event when left out.", EVENTS,
              required=False),
        ),
        ("what records does {athlete} hold",
         "list {athlete}'s best marks in the {event}",
         "pull up every record set by {athlete}"),
    ),
    Api(
        "head_to_head", "sports_records",
        "Summarises wins, draws and losses between two teams over their meetings.",
        (
            S("team_a", "First team.", pick(CLUBS)),
            S("team_b", "Second team.", pick(CLUBS)),
            I("since_year", "Count only matches from this year on.", integer(1990, 2020),
              required=False),
        ),
        ("how have {team_a} fared against {team_b}",
         "pull the head-to-head record of {team_a} versus {team_b} since {since_year}",
         "compare results when {team_a} play {team_b}"),
    ),
    # real estate
    Api(
        "estimate_property_value", "real_estate",
        "Estimates the current market value of a home from its address and size.",
        (
            Param(
                "home", "object", "The property to value.",
                lambda rng: {"address": rng.choice(HOMES), "bedrooms": rng.randint(1, 6),
                             "floor_area_m2": decimal(35, 320, 1)(rng)},
                say=lambda v: (f"{v['address']} ({v['bedrooms']} bedrooms, "
                               f"{v['floor_area_m2']} square metres)"),
                properties=(
                    S("address", "Street address and town.", pick(HOMES)),
                    I("bedrooms", "Number of bedrooms.", integer(1, 6)),
                    N("floor_area_m2", "Living area in square metres.", decimal(35, 320, 1)),
                ),
            ),
            B("price_range", "Give a low and high figure instead of one number.",
              "as a low-high range", "as a single figure"),
        ),
        ("estimate what the home at {home} is worth",
         "how much could I sell {home} for today",
         "value the house at {home} {price_range}"),
        aliases=("home_valuation", "valueProperty"),
    ),
    Api(
        "mortgage_affordability", "real_estate",
        "Works out the highest home price a buyer can likely afford from income and savings.",
        (
            N("annual_income", "Gross household income per year.", decimal(25000, 180000)),
            N("deposit", "Savings available as a down payment.", decimal(5000, 150000)),
            Param("monthly_debts", "array", "Other monthly repayments, one amount each.",
                  lambda rng: [rng.randint(40, 900) for _ in range(rng.randint(1, 3))],
                  say=listing, items={"type": "number"}, required=False),
        ),
        ("how much house can I afford earning {annual_income} a year with {deposit} saved",
         "work out my buying budget: income {annual_income}, deposit {deposit}, and monthly repayments of {monthly_debts}",
         "check what price range fits an income of {annual_income} and a {deposit} down payment"),
    ),
    Api(
        "rental_yield", "real_estate",
        "Computes the yearly rental yield of a property from its price and rent.",
        (
            N("purchase_price", "What the property costs.", decimal(60000, 900000)),
            N("monthly_rent", "Rent collected each month.", decimal(400, 4500)),
            N("annual_costs", "Yearly upkeep, fees and insurance; gross yield when left out.",
              decimal(500, 12000), required=False),
        ),
        ("what yield would I get buying at {purchase_price} and letting it for {monthly_rent} a month",
         "calculate the net yield if I buy for {purchase_price}, rent it out at {monthly_rent} monthly and pay {annual_costs} a year in costs",
         "figure out the return if the price is {purchase_price} and rent is {monthly_rent} per month"),
    ),
    # games
    Api(
        "board_game_rules", "games",
        "Looks up what a board game's rulebook says on one topic.",
        (
            S("topic", "Rule topic, e.g. 'scoring'.", pick(RULE_TOPICS)),
            S("game", "Name of the board game.", pick(BOARD_GAMES)),
        ),
        ("look up the {topic} rules for {game}",
         "how does {topic} work in {game}",
         "what does the {game} rulebook say about {topic}"),
    ),
    Api(
        "identify_chess_opening", "games",
        "Names the chess opening reached by a sequence of moves and can show its main line.",
        (
            Param("moves", "array", "Moves from the start in algebraic notation, in order.",
                  pick(MOVE_LINES), say=listing, items={"type": "string"}),
            I("extra_moves", "How many further main-line moves to show.", integer(2, 8),
              required=False, default=0),
        ),
        ("which chess opening begins with {moves}",
         "name the opening after the moves {moves}",
         "identify the opening that starts {moves} and continue the main line for {extra_moves} moves"),
        aliases=("chess_opening_name", "openingFromMoves"),
    ),
    Api(
        "poker_hand_odds", "games",
        "Estimates a Texas hold'em hand's chance of winning against a number of opponents.",
        (
            Param("hole_cards", "array", "The two private cards, e.g. 'Ah' for the ace of hearts.",
                  pick(HOLE_CARDS), say=listing, items={"type": "string"}),
            I("opponents", "Players still in the hand besides the user.", integer(2, 8)),
            Param("flop", "array", "The three shared cards if already dealt.", pick(FLOPS),
                  say=listing, items={"type": "string"}, required=False),
        ),
        ("what are my chances holding {hole_cards} against {opponents} opponents",
         "estimate my odds with {hole_cards} versus {opponents} players when the flop is {flop}",
         "work out the equity of {hole_cards} facing {opponents} callers"),
    ),
)  # fmt: skip
