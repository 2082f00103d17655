"""Synthetic APIs for function-calling training data: written here, in this project's words.

Each :class:`Api` is a function document (name, description, typed parameters: strings,
integers, numbers, booleans, enums, arrays, nested objects, optional ones with defaults) and
the clauses a user might write to ask for a call, with ``{param}`` where a value goes. Every
clause names every required parameter; an optional one is passed only when its clause names
it. None of this comes from BFCL: the contamination report measures that it stays so.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Sampler = Callable[[random.Random], Any]


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # JSON Schema: string, integer, number, boolean, array, object
    description: str
    sample: Sampler
    #: how a request writes the value (the value itself where None)
    say: Callable[[Any], str] | None = None
    required: bool = True
    default: Any = None
    enum: tuple[Any, ...] | None = None
    items: dict[str, Any] | None = None
    properties: tuple[Param, ...] = ()

    def schema(self) -> dict[str, Any]:
        s: dict[str, Any] = {"type": self.type, "description": self.description}
        if self.enum is not None:
            s["enum"] = list(self.enum)
        if self.items is not None:
            s["items"] = self.items
        if self.properties:
            s["properties"] = {p.name: p.schema() for p in self.properties}
            s["required"] = [p.name for p in self.properties if p.required]
        if not self.required and self.default is not None:
            s["default"] = self.default
        return s

    def text(self, value: Any) -> str:
        return self.say(value) if self.say is not None else str(value)


@dataclass(frozen=True)
class Api:
    name: str
    domain: str
    description: str
    params: tuple[Param, ...]
    clauses: tuple[str, ...]
    #: other names the same function goes by (one is picked per example)
    aliases: tuple[str, ...] = field(default=())

    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {p.name: p.schema() for p in self.params},
            "required": [p.name for p in self.params if p.required],
        }

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)


# ----------------------------------------------------------------------------- values


def pick(pool: list[Any] | tuple[Any, ...]) -> Sampler:
    return lambda rng: rng.choice(pool)


def integer(lo: int, hi: int) -> Sampler:
    return lambda rng: rng.randint(lo, hi)


def decimal(lo: float, hi: float, places: int = 2) -> Sampler:
    def draw(rng: random.Random) -> float:
        v = round(rng.uniform(lo, hi), places)
        return v if v != int(v) else v + 0.5

    return draw


def some(pool: list[str], lo: int = 2, hi: int = 3) -> Sampler:
    return lambda rng: rng.sample(pool, rng.randint(lo, hi))


def date(rng: random.Random) -> str:
    return f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def clock(rng: random.Random) -> str:
    return f"{rng.randint(7, 20):02d}:{rng.choice(['00', '15', '30', '45'])}"


def listing(values: list[Any]) -> str:
    vals = [str(v) for v in values]
    return vals[0] if len(vals) == 1 else ", ".join(vals[:-1]) + " and " + vals[-1]


def phrase(table: dict[Any, str]) -> Callable[[Any], str]:
    return lambda v: table[v]


CITIES = [
    "Lisbon", "Nairobi", "Osaka", "Quito", "Tallinn", "Perth", "Valencia", "Montreal",
    "Hanoi", "Accra", "Bergen", "Cusco", "Marrakesh", "Ljubljana", "Adelaide", "Busan",
    "Porto", "Krakow", "Windhoek", "Halifax", "Tbilisi", "Cebu", "Leipzig", "Rosario",
]  # fmt: skip
#: places written with their region or country: a value with commas is copied whole
PLACES = [
    "Porto, Portugal", "Halifax, NS", "Perth, WA", "Cusco, Peru", "Leipzig, Germany",
    "Bergen, Norway", "Montreal, QC, Canada", "Osaka, Japan", "Rosario, Argentina",
    "Accra, Ghana", "Tbilisi, Georgia", "Adelaide, SA",
]  # fmt: skip
#: street addresses with the town (and region or country)
ADDRESSES = [
    "48 Quayside Road, Halifax, NS", "7 Birch Court, Leipzig, Germany",
    "230 Mill Street, Porto", "12 Alder Lane, Bergen, Norway", "9 Ferry Row, Perth, WA, Australia",
    "301 Canal Walk, Osaka",
]  # fmt: skip
PEOPLE = [
    "Amara Okafor", "Lukas Brandt", "Mei Tanaka", "Diego Ramos", "Freya Lund",
    "Omar Haddad", "Priya Nair", "Tomas Novak", "Zoe Martin", "Kwame Mensah",
    "Ines Duarte", "Yusuf Demir", "Hana Kim", "Rafael Costa", "Elsa Berg",
]  # fmt: skip
EMAILS = [f"{p.split()[0].lower()}.{p.split()[1].lower()}@mailbox.test" for p in PEOPLE]
TICKERS = ["NVRA", "KLMT", "ORBX", "TYDE", "QUIL", "MAPL", "ZENO", "FJRD"]
CURRENCIES = ["EUR", "USD", "JPY", "GBP", "CHF", "BRL", "KES", "INR", "CAD", "NOK"]
FOODS = ["lentils", "spinach", "brown rice", "salmon", "chickpeas", "oat flakes", "tofu",
         "sweet potato", "walnuts", "quinoa", "feta", "mushrooms", "eggplant", "mango"]  # fmt: skip
SONGS = [("Paper Lanterns", "The Tidewalkers"), ("Neon Orchard", "Mira Sol"),
         ("Slow River Static", "Kestrel Lane"), ("Glass Harbor", "Juniper Row"),
         ("Midnight Ferry", "Ola Veres"), ("Copper Skies", "The Marlowes")]  # fmt: skip
FILMS = ["The Salt Road", "Lanterns of Oru", "Quiet Engine", "North of Nowhere",
         "A Map for Ghosts", "The Ninth Orchard", "Harbor Lights Down"]  # fmt: skip
TEAMS = ["Riverside Rovers", "Northgate United", "Harbor City FC", "Eastfield Falcons",
         "Lakeshore Wolves", "Granite Peak SC"]  # fmt: skip
PLAYERS = ["Jonas Ekberg", "Malik Osei", "Tiago Pereira", "Ren Sato", "Luca Ferri"]
LANGUAGES = ["French", "Swahili", "Japanese", "Portuguese", "Polish", "Korean", "Dutch"]
SUBJECTS = ["statistics", "organic chemistry", "web design", "music theory",
            "marine biology", "public speaking", "photography"]  # fmt: skip
STATIONS = ["Central Station", "Harbor Street", "Museum Square", "Old Mill", "Airport Link"]
PRODUCTS = ["wireless earbuds", "hiking boots", "standing desk", "espresso grinder",
            "rain jacket", "yoga mat", "mechanical keyboard", "camping stove"]  # fmt: skip
SKUS = ["SKU-1042", "SKU-2290", "SKU-3381", "SKU-4107", "SKU-5526", "SKU-6613"]
ROOMS = ["living room", "bedroom", "office", "kitchen", "nursery"]
STREETS = ["12 Alder Lane", "48 Quayside Road", "7 Birch Court", "230 Mill Street"]
POSTCODES = ["AL4 9QX", "80331", "1017 CE", "H3B 2Y5", "4000-123"]
CHANNELS = ["#release-notes", "#ops-alerts", "#design-crit", "#team-lunch"]
PHONES = ["+44 7700 900123", "+1 555 0142", "+49 1512 3456789", "+81 90 1234 5678"]
TRACKING = ["TRK48213377", "PX-2290-7713", "ZX99123480", "LN-55120-04"]
MEETINGS = ["MTG-4412", "MTG-7780", "MTG-1093", "MTG-5531"]
CUSTOMERS = ["CUST-0081", "CUST-2217", "CUST-5023", "CUST-7764"]
ISBNS = ["978-0-00-000001-1", "978-1-23-456789-7", "978-3-16-148410-0"]
BOOKS = [("The Lighthouse Ledger", "Nadia Ferrante"), ("Orchids in Winter", "Paul Emre"),
         ("Counting Tides", "Lena Vogt")]  # fmt: skip

UNITS_OF_TEMP = {"metric": "in Celsius", "imperial": "in Fahrenheit"}
CABINS = {"economy": "economy", "premium": "premium economy", "business": "business class"}
SORTS = {"price_asc": "cheapest first", "price_desc": "most expensive first",
         "rating": "best rated first"}  # fmt: skip
ACTIVITY = {"running": "a run", "cycling": "a bike ride", "swimming": "a swim",
            "rowing": "a rowing session"}  # fmt: skip
LEVELS = {"low": "mostly sitting", "moderate": "moderately active", "high": "very active"}
DIETS = {"vegan": "vegan", "vegetarian": "vegetarian", "gluten_free": "gluten-free"}
MODES = {"driving": "by car", "walking": "on foot", "cycling": "by bike", "transit": "by transit"}
THERMO = {"heat": "heating", "cool": "cooling", "auto": "auto"}
COURSE_LEVEL = {"beginner": "beginner", "intermediate": "intermediate", "advanced": "advanced"}
CAR = {"compact": "a compact car", "suv": "an SUV", "van": "a van"}
POLLUTANTS = {"pm25": "fine particles (pm25)", "pm10": "coarse particles (pm10)",
              "ozone": "ozone", "no2": "nitrogen dioxide (no2)"}  # fmt: skip
SPECIALTY = {"dermatology": "a dermatologist", "cardiology": "a cardiologist",
             "pediatrics": "a pediatrician", "orthopedics": "an orthopedist"}  # fmt: skip
LENGTH = {"meter": "meters", "foot": "feet", "mile": "miles", "kilometer": "kilometers",
          "inch": "inches"}  # fmt: skip
MEASURES = ["mean", "median", "stdev", "min", "max"]


def place(rng: random.Random) -> str:
    """A town, alone or with its region or country."""
    return rng.choice(PLACES) if rng.random() < 0.5 else rng.choice(CITIES)


def address_or_place(rng: random.Random) -> str:
    return rng.choice(ADDRESSES) if rng.random() < 0.3 else place(rng)


def S(name: str, desc: str, sample: Sampler, **kw: Any) -> Param:
    return Param(name, "string", desc, sample, **kw)


def I(name: str, desc: str, sample: Sampler, **kw: Any) -> Param:  # noqa: E743
    return Param(name, "integer", desc, sample, **kw)


def N(name: str, desc: str, sample: Sampler, **kw: Any) -> Param:
    return Param(name, "number", desc, sample, **kw)


def B(name: str, desc: str, yes: str, no: str, default: bool = False) -> Param:
    return Param(
        name, "boolean", desc, pick([True, False]), say=lambda v: yes if v else no,
        required=False, default=default,
    )  # fmt: skip


def E(name: str, desc: str, table: dict[str, str], **kw: Any) -> Param:
    return Param(
        name, "string", desc, pick(list(table)), say=phrase(table), enum=tuple(table), **kw
    )


def L(name: str, desc: str, pool: list[str], item: str = "string", **kw: Any) -> Param:
    return Param(name, "array", desc, some(pool), say=listing, items={"type": item}, **kw)


# ----------------------------------------------------------------------------- the APIs

APIS: tuple[Api, ...] = (
    # weather
    Api(
        "get_weather_forecast", "weather",
        "Returns the day-by-day weather outlook for a town or city.",
        (
            S("city", "Town or city to report on, with its region or country where given, e.g. 'Split, Croatia'.", place),
            I("days", "How many days ahead to cover, 1 to 10.", integer(1, 10)),
            E("units", "Unit system of the temperatures.", UNITS_OF_TEMP, required=False,
              default="metric"),
        ),
        ("get the {days}-day weather outlook for {city}",
         "say how the weather looks in {city} over the next {days} days {units}",
         "look up a {days} day forecast for {city}"),
        aliases=("weather_outlook", "forecastDaily"),
    ),
    Api(
        "air_quality_now", "weather",
        "Reports the present air pollution reading for a place.",
        (
            S("city", "Place whose air is measured.", place),
            E("pollutant", "Which pollutant to report; all of them when left out.", POLLUTANTS,
              required=False),
        ),
        ("check how clean the air is in {city} right now",
         "what is the current level of {pollutant} in {city}"),
        aliases=("get_air_pollution",),
    ),
    Api(
        "sun_times", "weather",
        "Gives the sunrise and sunset clock times for a place on a given day.",
        (
            S("city", "Place to compute the times for, as 'City, Country' when the country is known.", place),
            S("date", "Day in YYYY-MM-DD form.", date),
        ),
        ("find out when the sun rises and sets in {city} on {date}",
         "give me sunrise and sunset for {city} on {date}"),
    ),
    # travel
    Api(
        "search_flights", "travel",
        "Looks for scheduled flights between two cities on one day.",
        (
            S("origin", "City the trip starts from.", place),
            S("destination", "City the trip goes to.", place),
            S("depart_date", "Travel day, YYYY-MM-DD.", date),
            I("passengers", "Number of travellers.", integer(2, 6), required=False, default=1),
            E("cabin", "Seat class.", CABINS, required=False, default="economy"),
            B("nonstop_only", "Only show flights without a stop.", "with no layovers",
              "layovers are fine"),
        ),
        ("find flights from {origin} to {destination} on {depart_date}",
         "search {cabin} flights from {origin} to {destination} leaving {depart_date} for {passengers} people",
         "look for a flight {origin} to {destination} on {depart_date}, {nonstop_only}"),
        aliases=("flight_search", "findFlights"),
    ),
    Api(
        "reserve_hotel", "travel",
        "Books a hotel room in a city from an arrival day for a number of nights.",
        (
            S("city", "City of the stay, in the form 'City, Region' where a region is named.", place),
            S("check_in", "Arrival day, YYYY-MM-DD.", date),
            I("nights", "Length of the stay in nights.", integer(1, 14)),
            I("guests", "People in the room.", integer(1, 4), required=False, default=2),
            B("breakfast", "Add breakfast to the booking.", "with breakfast included",
              "without breakfast"),
        ),
        ("book a hotel in {city} from {check_in} for {nights} nights",
         "reserve a room in {city} arriving {check_in}, {nights} nights, {guests} guests",
         "get me a hotel in {city} checking in {check_in} for {nights} nights {breakfast}"),
        aliases=("book_room",),
    ),
    Api(
        "rent_car", "travel",
        "Reserves a rental vehicle picked up in a city.",
        (
            S("pickup_city", "Where the vehicle is collected.", place),
            I("days", "Rental length in days.", integer(1, 21)),
            E("vehicle", "Kind of vehicle.", CAR, required=False, default="compact"),
        ),
        ("rent {vehicle} in {pickup_city} for {days} days",
         "I need a rental car in {pickup_city} for {days} days"),
        aliases=("car_rental_booking",),
    ),
    # finance
    Api(
        "convert_currency", "finance",
        "Converts a sum of money from one currency into another at today's rate.",
        (
            N("amount", "Sum to convert.", decimal(5, 5000)),
            S("from_code", "Three-letter code of the currency held.", pick(CURRENCIES)),
            S("to_code", "Three-letter code of the currency wanted.", pick(CURRENCIES)),
        ),
        ("convert {amount} {from_code} into {to_code}",
         "how much is {amount} {from_code} in {to_code}"),
        aliases=("fx_convert", "moneyExchange"),
    ),
    Api(
        "stock_price", "finance",
        "Fetches the latest trading price of a listed share by its ticker symbol.",
        (
            S("ticker", "Ticker symbol.", pick(TICKERS)),
            B("include_history", "Also return the last five closing prices.",
              "along with its last five closes", "just the latest price"),
        ),
        ("what is {ticker} trading at",
         "get the share price of {ticker} {include_history}"),
    ),
    Api(
        "monthly_loan_payment", "finance",
        "Works out the fixed monthly instalment of an amortised loan.",
        (
            N("principal", "Amount borrowed.", decimal(1000, 90000)),
            N("annual_rate_percent", "Yearly interest rate in percent.", decimal(1, 12)),
            I("years", "Repayment period in years.", integer(1, 30)),
        ),
        ("what would I pay each month on a {principal} loan at {annual_rate_percent}% over {years} years",
         "work out the monthly instalment for borrowing {principal} at {annual_rate_percent} percent for {years} years"),
        aliases=("loan_installment",),
    ),
    # shopping
    Api(
        "search_products", "shopping",
        "Searches the online catalogue for items matching words.",
        (
            S("query", "Words describing the item.", pick(PRODUCTS)),
            N("max_price", "Highest price to show.", decimal(20, 600), required=False),
            E("sort", "Order of the results.", SORTS, required=False, default="rating"),
            B("in_stock", "Only items that can ship now.", "that are in stock",
              "even if out of stock"),
        ),
        ("search the shop for {query}",
         "find {query} under {max_price}, {sort}",
         "show me {query} {in_stock}"),
        aliases=("catalog_lookup", "findItems"),
    ),
    Api(
        "track_parcel", "shopping",
        "Shows where a shipped parcel is and when it should arrive.",
        (S("tracking_number", "Carrier tracking number.", pick(TRACKING)),),
        ("where is my parcel {tracking_number}",
         "track shipment {tracking_number}"),
        aliases=("parcel_status",),
    ),
    Api(
        "place_order", "shopping",
        "Places an order for a customer account with one or more catalogue lines.",
        (
            S("customer_id", "Account identifier of the buyer.", pick(CUSTOMERS)),
            Param(
                "lines", "array", "Order lines, each a SKU and a quantity.",
                lambda rng: [
                    {"sku": s, "quantity": rng.randint(1, 5)}
                    for s in rng.sample(SKUS, rng.randint(1, 2))
                ],
                say=lambda v: listing([f"{x['quantity']} of {x['sku']}" for x in v]),
                items={
                    "type": "object",
                    "properties": {
                        "sku": {"type": "string", "description": "Catalogue code."},
                        "quantity": {"type": "integer", "description": "How many."},
                    },
                    "required": ["sku", "quantity"],
                },
            ),
        ),
        ("order {lines} for customer {customer_id}",
         "put in an order on account {customer_id}: {lines}"),
        aliases=("submit_order",),
    ),
    # calendar
    Api(
        "create_calendar_event", "calendar",
        "Adds an event to the user's calendar.",
        (
            S("title", "Short name of the event.", pick(["Budget review", "Dentist",
              "Piano lesson", "Team retro", "Lunch with Sam", "Quarterly planning"])),
            S("date", "Day of the event, YYYY-MM-DD.", date),
            S("start_time", "Start, 24-hour HH:MM.", clock),
            I("duration_minutes", "Length in minutes.", integer(15, 180), required=False,
              default=60),
            L("attendees", "Email addresses to invite.", EMAILS, required=False),
        ),
        ("put '{title}' on my calendar for {date} at {start_time}",
         "schedule {title} on {date} at {start_time} for {duration_minutes} minutes",
         "add {title} on {date} starting {start_time} and invite {attendees}"),
        aliases=("calendar_add", "newEvent"),
    ),
    Api(
        "cancel_meeting", "calendar",
        "Cancels a booked meeting by its identifier.",
        (
            S("meeting_id", "Identifier of the meeting.", pick(MEETINGS)),
            B("notify_attendees", "Email everyone invited about it.",
              "and let the attendees know", "without telling anyone"),
        ),
        ("cancel meeting {meeting_id}", "call off {meeting_id} {notify_attendees}"),
    ),
    Api(
        "find_free_slot", "calendar",
        "Finds the first gap in the calendar long enough for a meeting on a day.",
        (
            S("date", "Day to search, YYYY-MM-DD.", date),
            I("minutes", "Length of the gap needed.", integer(15, 120)),
        ),
        ("when am I free for {minutes} minutes on {date}",
         "find a {minutes}-minute opening in my calendar on {date}"),
    ),
    # messaging
    Api(
        "send_email", "messaging",
        "Sends an email message from the user's account.",
        (
            S("to", "Recipient address.", pick(EMAILS)),
            S("subject", "Subject line.", pick(["Invoice attached", "Running late", "Re: March invoice, second copy",
              "Weekend plans", "Draft for review", "Thank you"])),
            S("body", "Message text.", pick(["See you at noon.", "The file is ready.", "Thanks, that works for me.",
              "Can we move it to Friday?", "All good on my side."]), required=False),
        ),
        ("email {to} with the subject '{subject}'",
         "send {to} a mail titled '{subject}' saying '{body}'"),
        aliases=("mail_send", "sendMail"),
    ),
    Api(
        "send_text_message", "messaging",
        "Sends a short text message to a phone number.",
        (
            S("phone_number", "Number in international form.", pick(PHONES)),
            S("text", "Message to send.", pick(["On my way", "Call me back", "Door code is 4471", "Running late, start without me",
              "Dinner at eight?"])),
        ),
        ("text {phone_number} '{text}'", "send an SMS to {phone_number} saying '{text}'"),
        aliases=("sms_send",),
    ),
    Api(
        "post_to_channel", "messaging",
        "Posts a message in a team chat channel.",
        (
            S("channel", "Channel name including the #.", pick(CHANNELS)),
            S("message", "What to post.", pick(["Build 412 is green", "Standup moved to 10", "Heads up, staging is down",
              "Pizza is here", "Deploy paused until noon"])),
            B("pin", "Pin the message to the channel.", "and pin it", "without pinning"),
        ),
        ("post '{message}' in {channel}", "write '{message}' to {channel} {pin}"),
    ),
    # health
    Api(
        "log_workout", "health",
        "Records an exercise session in the fitness diary.",
        (
            E("activity", "Kind of exercise.", ACTIVITY),
            I("minutes", "How long it lasted.", integer(10, 150)),
            N("distance_km", "Distance covered in kilometres.", decimal(1, 60), required=False),
        ),
        ("log {activity} of {minutes} minutes",
         "record {activity}: {minutes} minutes, {distance_km} km"),
        aliases=("record_exercise",),
    ),
    Api(
        "daily_water_target", "health",
        "Suggests how much water a person should drink per day.",
        (
            N("weight_kg", "Body weight in kilograms.", decimal(40, 120)),
            E("activity_level", "How active the person is.", LEVELS, required=False,
              default="moderate"),
        ),
        ("how much water should someone weighing {weight_kg} kg drink a day",
         "suggest a daily water goal for {weight_kg} kg, {activity_level}"),
    ),
    Api(
        "book_clinic_visit", "health",
        "Books an appointment with a medical specialist.",
        (
            E("specialty", "Kind of specialist.", SPECIALTY),
            S("city", "Where the clinic should be.", place),
            S("date", "Preferred day, YYYY-MM-DD.", date),
        ),
        ("book me {specialty} in {city} on {date}",
         "I need an appointment with {specialty} in {city} on {date}"),
        aliases=("schedule_doctor",),
    ),
    # cooking
    Api(
        "find_recipes", "cooking",
        "Suggests recipes that use the ingredients at hand.",
        (
            L("ingredients", "Ingredients available.", FOODS),
            I("max_minutes", "Longest acceptable cooking time.", integer(10, 90), required=False),
            E("diet", "Dietary restriction to respect.", DIETS, required=False),
        ),
        ("suggest something to cook with {ingredients}",
         "find a {diet} recipe using {ingredients} that takes at most {max_minutes} minutes"),
        aliases=("recipe_ideas", "recipesByIngredient"),
    ),
    Api(
        "nutrition_info", "cooking",
        "Returns calories and macronutrients for a weight of a food.",
        (
            S("food", "Name of the food.", pick(FOODS)),
            N("grams", "Weight in grams.", decimal(20, 500)),
        ),
        ("how many calories are in {grams} g of {food}",
         "nutrition facts for {grams} grams of {food}"),
    ),
    Api(
        "scale_recipe", "cooking",
        "Rescales a saved recipe's ingredient amounts to a number of servings.",
        (
            S("recipe", "Name of the saved recipe.", pick(["grandma's dal", "lemon risotto",
              "miso ramen", "plum crumble"])),
            I("servings", "Servings wanted.", integer(2, 12)),
        ),
        ("scale {recipe} to {servings} servings", "adjust {recipe} so it feeds {servings}"),
    ),
    # entertainment
    Api(
        "movie_showtimes", "entertainment",
        "Lists cinema screenings of a film in a city.",
        (
            S("title", "Film title.", pick(FILMS)),
            S("city", "City of the cinemas, e.g. 'Lyon, France'.", place),
            S("date", "Day, YYYY-MM-DD; today when left out.", date, required=False),
        ),
        ("where is {title} playing in {city}",
         "show times for {title} in {city} on {date}"),
        aliases=("cinema_listings",),
    ),
    Api(
        "add_song_to_playlist", "entertainment",
        "Adds a track to one of the user's playlists.",
        (
            S("playlist", "Playlist name.", pick(["Road Trip", "Focus", "Sunday Morning", "Gym"])),
            S("song", "Track title.", lambda rng: rng.choice(SONGS)[0]),
            S("artist", "Performer of the track.", lambda rng: rng.choice(SONGS)[1]),
        ),
        ("add {song} by {artist} to my {playlist} playlist",
         "put '{song}' from {artist} on {playlist}"),
    ),
    Api(
        "book_details", "entertainment",
        "Looks up a book by its ISBN.",
        (S("isbn", "The book's ISBN-13 with hyphens.", pick(ISBNS)),),
        ("look up the book with ISBN {isbn}", "what book has the ISBN {isbn}"),
    ),
    # home
    Api(
        "list_rentals", "home",
        "Lists flats for rent in a city.",
        (
            S("city", "City to search.", place),
            I("bedrooms", "Minimum number of bedrooms.", integer(1, 4)),
            I("max_rent", "Highest monthly rent.", integer(600, 3500), required=False),
            B("pets_allowed", "Only places that accept pets.", "that allow pets",
              "pets or not"),
        ),
        ("find {bedrooms}-bedroom flats for rent in {city}",
         "list rentals in {city} with {bedrooms} bedrooms under {max_rent} a month",
         "show {bedrooms} bedroom apartments in {city} {pets_allowed}"),
        aliases=("apartment_search",),
    ),
    Api(
        "set_thermostat", "home",
        "Sets the target temperature of a room's thermostat.",
        (
            S("room", "Room with the thermostat.", pick(ROOMS)),
            N("target_celsius", "Temperature to hold, in Celsius.", decimal(16, 26, 1)),
            E("mode", "Heating or cooling mode.", THERMO, required=False, default="auto"),
        ),
        ("set the {room} to {target_celsius} degrees",
         "put the {room} thermostat on {mode} at {target_celsius} C"),
        aliases=("thermostat_set", "climateControl"),
    ),
    Api(
        "book_cleaning", "home",
        "Books a home cleaning visit at an address.",
        (
            Param(
                "address", "object", "Where the cleaning takes place.",
                lambda rng: {"street": rng.choice(STREETS), "city": rng.choice(CITIES),
                             "postcode": rng.choice(POSTCODES)},
                say=lambda v: f"{v['street']}, {v['postcode']} {v['city']}",
                properties=(
                    S("street", "Street and number.", pick(STREETS)),
                    S("city", "City.", pick(CITIES)),
                    S("postcode", "Postal code.", pick(POSTCODES)),
                ),
            ),
            S("date", "Day of the visit, YYYY-MM-DD.", date),
            I("hours", "Hours booked.", integer(2, 6), required=False, default=3),
        ),
        ("book a cleaner for {address} on {date}",
         "send a cleaner to {address} on {date} for {hours} hours"),
    ),
    # numbers
    Api(
        "summary_statistics", "numbers",
        "Computes summary measures of a list of numbers.",
        (
            Param("values", "array", "The numbers.",
                  lambda rng: [rng.randint(1, 99) for _ in range(rng.randint(3, 6))],
                  say=listing, items={"type": "number"}),
            Param("measures", "array", "Which measures to return; all when left out.",
                  some(MEASURES, 1, 2), say=listing,
                  items={"type": "string", "enum": MEASURES}, required=False),
        ),
        ("summarise the numbers {values}",
         "give me the {measures} of {values}"),
        aliases=("describe_numbers",),
    ),
    Api(
        "convert_length", "numbers",
        "Converts a length between units.",
        (
            N("value", "Length to convert.", decimal(0.5, 900)),
            E("from_unit", "Unit of the value.", LENGTH),
            E("to_unit", "Unit wanted.", LENGTH),
        ),
        ("convert {value} {from_unit} to {to_unit}",
         "how many {to_unit} is {value} {from_unit}"),
        aliases=("length_units",),
    ),
    Api(
        "project_savings", "numbers",
        "Projects a savings balance growing at a fixed yearly percentage.",
        (
            N("start_balance", "Money saved today.", decimal(100, 20000)),
            N("yearly_growth_percent", "Growth per year in percent.", decimal(0.5, 9)),
            I("years", "Years to project.", integer(1, 40)),
        ),
        ("if I keep {start_balance} saved at {yearly_growth_percent}% a year, what will it be after {years} years",
         "project {start_balance} growing {yearly_growth_percent} percent yearly for {years} years"),
    ),
    # getting around
    Api(
        "route_distance", "maps",
        "Measures the travel distance and time between two places.",
        (
            S("start", "Where the route begins: an address or a town.", address_or_place),
            S("end", "Where the route ends.", place),
            E("mode", "How the trip is made.", MODES, required=False, default="driving"),
        ),
        ("how far is it from {start} to {end}",
         "distance from {start} to {end} {mode}"),
        aliases=("directions_distance", "routeInfo"),
    ),
    Api(
        "order_taxi", "maps",
        "Sends a taxi to pick the user up at a street address.",
        (
            S("pickup_address", "Full pickup address: 'Street, Town, Region or Country'.",
              pick(ADDRESSES)),
            E("car", "Size of the car.", {"standard": "a standard car", "xl": "a large car"},
              required=False, default="standard"),
            I("riders", "People riding.", integer(2, 6), required=False, default=1),
        ),
        ("get me a taxi at {pickup_address}",
         "send {car} to {pickup_address} for {riders} of us",
         "I need a cab from {pickup_address}"),
        aliases=("call_cab", "requestRide"),
    ),
    Api(
        "tag_photos", "media",
        "Adds tags to the photos of an album.",
        (
            S("album", "Album name.", pick(["Summer 2025", "Garden", "Kids", "Trip north"])),
            S("tags", "The tags as one comma-separated string, e.g. 'hike,lake'.",
              pick(["harbor,night,rain", "birthday,cake", "snow,mountain,ski", "family,beach"])),
        ),
        ("tag the {album} album with {tags}", "add the tags {tags} to my {album} photos"),
    ),
    Api(
        "next_departures", "maps",
        "Lists the next public transport departures from a stop.",
        (
            S("station", "Stop or station name.", pick(STATIONS)),
            I("limit", "How many departures.", integer(2, 10), required=False, default=5),
        ),
        ("what leaves next from {station}", "show the next {limit} departures at {station}"),
    ),
    # sport
    Api(
        "team_fixtures", "sport",
        "Lists a club's upcoming matches.",
        (
            S("team", "Club name.", pick(TEAMS)),
            I("count", "How many matches to list.", integer(2, 8), required=False, default=5),
        ),
        ("when does {team} play next", "list the next {count} matches of {team}"),
        aliases=("club_schedule",),
    ),
    Api(
        "player_season_stats", "sport",
        "Gives a player's totals for one season.",
        (
            S("player", "Player's full name.", pick(PLAYERS)),
            I("season", "Year the season started.", integer(2015, 2025)),
        ),
        ("how did {player} do in the {season} season",
         "pull {player}'s numbers for {season}"),
    ),
    # learning
    Api(
        "find_course", "learning",
        "Searches a catalogue of classes.",
        (
            S("subject", "Topic of the class.", pick(SUBJECTS)),
            E("level", "Difficulty.", COURSE_LEVEL, required=False),
            B("online_only", "Only classes taught online.", "online", "online or in person"),
        ),
        ("find a class on {subject}", "look for {level} {subject} courses {online_only}"),
        aliases=("course_catalog_search",),
    ),
    Api(
        "translate_text", "learning",
        "Translates a piece of text into another language.",
        (
            S("text", "What to translate.", pick(["Where is the train station?",
              "The meeting starts at nine.", "Thank you for the flowers.", "I lost my key."])),
            S("target_language", "Language to translate into.", pick(LANGUAGES)),
            S("source_language", "Language of the text; detected when left out.",
              pick(["English"]), required=False),
        ),
        ("translate '{text}' into {target_language}",
         "say '{text}' in {target_language}, it is {source_language}"),
        aliases=("text_translation",),
    ),
)  # fmt: skip
