"""A generated, wholly fictional common dataset for the demo: 150 invented authorities.

:func:`generate_demo_dataset` invents 150 local authority areas in the nine
English regions — the six of the demo reviews (``inspect_app/demo.py``:
Northmere, Castlebridge, Fenwick Vale, Harlow Moss, Ashcombe, Wrexley, with
their codes) and 144 more whose names are composed from invented syllables and
checked against the names of real English authorities — picks each one's ten
statistical neighbours from a synthetic vector of characteristics, and
generates four years (2004-05 to 2007-08; calendar years 2004 to 2007 for the
indicators published that way) of plausible values for every indicator of the
catalogue.

Values are anchored on the national figures of the time (children in care
achieving five good GCSEs about 12 % against 59 % for all children, and so on —
see :data:`PROFILES`), depend on each area's synthetic deprivation and on a
shared "quality of services" factor, and drift with a national trend.
Northmere is set close to its neighbours on every indicator except three about
children in care — placement moves, GCSE results, care leavers in education,
employment or training — where it is markedly worse, so that the demo
benchmarking shows hypotheses for fieldwork.

Everything is deterministic from ``seed``. No Flask or database imports.
"""

from __future__ import annotations

import itertools
import math
import os
import random
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from inspect_app.domain.indicators import IndicatorCatalogue, load_catalogue

NEIGHBOUR_COUNT = 10
FIRST_YEAR, YEARS = 2004, 4

# The nine English regions and how many of the 150 authorities are in each.
REGIONS: dict[str, int] = {
    "North East": 12,
    "North West": 22,
    "Yorkshire and the Humber": 15,
    "East Midlands": 9,
    "West Midlands": 14,
    "East of England": 10,
    "London": 33,
    "South East": 19,
    "South West": 16,
}

# The authorities of the demo reviews: codes and names exactly as inspect_app/demo.py.
DEMO_REVIEW_AUTHORITIES: tuple[tuple[str, str, str], ...] = (
    ("NMB", "Northmere Borough Council", "North West"),
    ("CSB", "Castlebridge City Council", "West Midlands"),
    ("FVD", "Fenwick Vale Council", "North West"),
    ("HLM", "Harlow Moss Metropolitan Borough Council", "Yorkshire and the Humber"),
    ("ASH", "Ashcombe County Council", "South West"),
    ("WRK", "Wrexley Borough Council", "North East"),
)

# Northmere is markedly worse than its neighbours on these (see _northmere).
NORTHMERE_WEAK_INDICATORS = ("LAC-PLACEMENTS-3PLUS", "LAC-GCSE-5AC", "CL-EET-19")

# Real English local authorities with children's services (2005-08), and some
# other large towns: no invented name may be, or contain, one of these.
_REAL_NAMES = """
    Darlington|Durham|Gateshead|Hartlepool|Middlesbrough|Newcastle upon Tyne|North Tyneside|
    Northumberland|Redcar and Cleveland|South Tyneside|Stockton-on-Tees|Sunderland|
    Blackburn with Darwen|Blackpool|Bolton|Bury|Cheshire|Cumbria|Halton|Knowsley|Lancashire|
    Liverpool|Manchester|Oldham|Rochdale|Salford|Sefton|St Helens|Stockport|Tameside|Trafford|
    Warrington|Wigan|Wirral|Barnsley|Bradford|Calderdale|Doncaster|East Riding of Yorkshire|
    Kingston upon Hull|Hull|Kirklees|Leeds|North East Lincolnshire|North Lincolnshire|
    North Yorkshire|Rotherham|Sheffield|Wakefield|York|Derby|Derbyshire|Leicester|
    Leicestershire|Lincolnshire|Northamptonshire|Nottingham|Nottinghamshire|Rutland|Birmingham|
    Coventry|Dudley|Herefordshire|Sandwell|Shropshire|Solihull|Staffordshire|Stoke-on-Trent|
    Telford and Wrekin|Walsall|Warwickshire|Wolverhampton|Worcestershire|Bedfordshire|
    Cambridgeshire|Essex|Hertfordshire|Luton|Norfolk|Peterborough|Southend-on-Sea|Suffolk|
    Thurrock|Barking and Dagenham|Barnet|Bexley|Brent|Bromley|Camden|City of London|Croydon|
    Ealing|Enfield|Greenwich|Hackney|Hammersmith and Fulham|Haringey|Harrow|Havering|
    Hillingdon|Hounslow|Islington|Kensington and Chelsea|Kingston upon Thames|Lambeth|Lewisham|
    Merton|Newham|Redbridge|Richmond upon Thames|Southwark|Sutton|Tower Hamlets|Waltham Forest|
    Wandsworth|Westminster|Bracknell Forest|Brighton and Hove|Buckinghamshire|East Sussex|
    Hampshire|Isle of Wight|Kent|Medway|Milton Keynes|Oxfordshire|Portsmouth|Reading|Slough|
    Southampton|Surrey|West Berkshire|West Sussex|Windsor and Maidenhead|Wokingham|
    Bath and North East Somerset|Bournemouth|Bristol|Cornwall|Devon|Dorset|Gloucestershire|
    Isles of Scilly|North Somerset|Plymouth|Poole|Somerset|South Gloucestershire|Swindon|Torbay|
    Wiltshire|Ashford|Castleford|Northwich|Stafford|Guildford|Chelmsford|Colchester|Ipswich|
    Norwich|Cambridge|Oxford|Exeter|Bath|Gloucester|Cheltenham|Worcester|Hereford|Lincoln|
    Carlisle|Lancaster|Preston|Chester|Crewe|Macclesfield|Huddersfield|Halifax|Harrogate|
    Scarborough|Grimsby|Scunthorpe|Mansfield|Chesterfield|Northampton|Kettering|Corby|Bedford|
    Watford|Stevenage|Basildon|Harlow|Crawley|Maidstone|Canterbury|Dover|Folkestone|Hastings|
    Eastbourne|Worthing|Winchester|Basingstoke|Salisbury|Taunton|Yeovil|Truro|Torquay|Barnstaple|
    Kendal|Burnley|Accrington|Southport|Wallasey|Birkenhead|Widnes|Runcorn|Redditch|Rugby|
    Nuneaton|Tamworth|Lichfield|Burton|Loughborough|Grantham|Boston|Newark|Worksop|Whitby|
    Selby|Ripon|Skipton|Keighley|Dewsbury|Batley|Pontefract|Goole|Beverley|Bridlington|
    Redcar|Stockton|Washington|Jarrow|Hexham|Morpeth|Blyth|Ashington|Consett|Bishop Auckland|
    Thornaby|Billingham|Ashby|Oakham|Millbrook|Thornton|Moorside|Elmfield|Ashley|Hazelwood|
    Ravenglass|Birchwood|Oakwood|Woodley|Wellington|Brookfield|Fellside|Rowley|Stanley
"""
REAL_AUTHORITY_NAMES: frozenset[str] = frozenset(
    name.strip() for name in _REAL_NAMES.split("|") if name.strip()
)

# Invented syllables. Combinations are checked against REAL_AUTHORITY_NAMES.
# fmt: off
_PREFIXES = (
    "Aldwin", "Arkle", "Ashen", "Baldon", "Blackden", "Bram", "Brindle", "Calden", "Carrow",
    "Chell", "Colden", "Corven", "Dunmer", "Elder", "Farrow", "Garrow", "Gorse", "Hallow",
    "Hazel", "Heron", "Holm", "Kell", "Kestrel", "Lark", "Linden", "Marl", "Merrow", "Nether",
    "Orm", "Pellow", "Quarry", "Raven", "Redd", "Rook", "Rowan", "Sedge", "Silver", "Skelder",
    "Sorrel", "Stark", "Swale", "Tarn", "Thorn", "Ulver", "Wen", "Whin", "Willow", "Wold",
    "Wren", "Yarrow", "Brack", "Culver", "Dray", "Eskel", "Fenner", "Gilder"
)
_SUFFIXES = (
    "mere", "bridge", "combe", "ley", "wick", "ford", "stead", "thorpe", "by", "dale", "holme",
    "field", "ton", "worth", "minster", "brook", "hurst", "cliffe", "gate", "well", "wood",
    "side", "haven", "fold", "croft", "moor", "stow"
)
# fmt: on
_SECOND_WORDS = ("Vale", "Moss", "Heath", "Water", "Fields", "Downs", "Marsh", "Fen")
_MAX_PER_PREFIX = 3  # keeps the invented names varied
_COUNCIL_KINDS = (
    "Borough Council",
    "City Council",
    "County Council",
    "Metropolitan Borough Council",
    "Council",
)

# Synthetic characteristics: deprivation, urban, children (log), diversity, sparsity.
_REGION_PROFILE: dict[str, tuple[float, float, float, float, float]] = {
    "North East": (0.65, 0.60, 10.6, 0.10, 0.35),
    "North West": (0.60, 0.65, 10.9, 0.20, 0.25),
    "Yorkshire and the Humber": (0.55, 0.60, 11.0, 0.20, 0.35),
    "East Midlands": (0.45, 0.50, 11.2, 0.20, 0.45),
    "West Midlands": (0.55, 0.60, 11.1, 0.30, 0.35),
    "East of England": (0.35, 0.45, 11.3, 0.20, 0.50),
    "London": (0.60, 0.95, 10.8, 0.70, 0.05),
    "South East": (0.30, 0.50, 11.3, 0.20, 0.45),
    "South West": (0.35, 0.40, 11.0, 0.10, 0.60),
}
_DEMO_CHARACTERISTICS: dict[str, tuple[float, float, float, float, float]] = {
    "NMB": (0.72, 0.78, 10.90, 0.22, 0.15),
    "FVD": (0.70, 0.74, 10.85, 0.20, 0.18),
    "HLM": (0.74, 0.80, 10.95, 0.25, 0.14),
    "WRK": (0.71, 0.72, 10.80, 0.18, 0.20),
    "CSB": (0.62, 0.88, 11.20, 0.40, 0.08),
    "ASH": (0.30, 0.35, 11.10, 0.08, 0.65),
}


@dataclass(frozen=True)
class Profile:
    """How an indicator's demo values are generated.

    ``mean`` is the national level in the third year (2006-07 or 2006) and
    ``trend`` its change per year (in the indicator's unit); ``spread`` is the
    standard deviation between authorities, of which ``deprivation`` (0–1) is the
    share of variation explained by deprivation (in the worse direction);
    ``noise`` is year-to-year variation; values are kept within ``low``–``high``.
    """

    mean: float
    spread: float
    trend: float
    deprivation: float
    noise: float
    low: float
    high: float
    calendar: bool = False


PROFILES: dict[str, Profile] = {
    "HLT-INFANT-MORT": Profile(5.0, 1.0, -0.1, 0.6, 0.6, 1.5, 10, calendar=True),
    "HLT-TEEN-CONC": Profile(41, 9, -0.8, 0.8, 2.5, 15, 80, calendar=True),
    "HLT-MMR-2": Profile(85, 4, 0.5, 0.3, 1.5, 65, 98),
    "HLT-OBESE-RECEPTION": Profile(9.9, 1.5, 0.1, 0.6, 0.6, 5, 16),
    "CP-REREG": Profile(13, 4, -0.2, 0.2, 2.5, 2, 30),
    "SC-INITIAL-7DAYS": Profile(68, 10, 1.5, 0.2, 4, 30, 98),
    "SC-CORE-35DAYS": Profile(76, 9, 1.5, 0.2, 4, 35, 98),
    "SAFE-ROAD-KSI": Profile(2.6, 0.7, -0.15, 0.4, 0.4, 0.5, 6),
    "EA-GCSE-5AC": Profile(59, 6, 2.0, 0.8, 1.5, 35, 80),
    "EA-KS2-ENG-L4": Profile(80, 3.5, 0.5, 0.7, 1.2, 65, 92),
    "EA-ATTEND-SEC": Profile(92.2, 0.9, 0.2, 0.7, 0.3, 88, 96),
    "EA-PERM-EXCL": Profile(0.12, 0.05, -0.005, 0.5, 0.02, 0.0, 0.4),
    "PC-REOFFEND": Profile(38, 5, -0.5, 0.4, 2.5, 20, 60),
    "PC-FIRST-ENTRANTS": Profile(1900, 450, -60, 0.5, 120, 600, 3800),
    "PC-YOUTH-REACH": Profile(24, 6, 1.0, 0.1, 2, 5, 50),
    "EW-NEET-16-18": Profile(7.7, 2.2, -0.2, 0.8, 0.6, 2, 16),
    "EW-LEVEL2-19": Profile(71, 4, 1.8, 0.7, 1.2, 55, 85),
    "EW-CHILD-POVERTY": Profile(21, 7, -0.3, 0.9, 0.6, 5, 45),
    "EW-BB-DAYS": Profile(25, 10, -2, 0.3, 5, 0, 80),
    "LAC-HEALTH-CHECK": Profile(84, 7, 1.5, 0.2, 3, 50, 100),
    "LAC-DENTAL-CHECK": Profile(80, 8, 1.5, 0.2, 3, 45, 100),
    "LAC-PLACEMENTS-3PLUS": Profile(12, 2.5, -0.3, 0.3, 1.5, 4, 25),
    "LAC-STABILITY-2YRS": Profile(65, 6, 0.7, 0.3, 3, 40, 85),
    "LAC-GCSE-5AC": Profile(12, 4, 0.7, 0.3, 3, 0, 35),
    "LAC-MISSED-25-DAYS": Profile(13, 3.5, -0.3, 0.3, 2, 2, 30),
    "LAC-PERM-EXCL": Profile(0.8, 0.35, -0.03, 0.3, 0.25, 0, 3),
    "LAC-CAUTIONED": Profile(9.6, 2.5, -0.2, 0.4, 1.5, 2, 22),
    "LAC-REVIEWS-ON-TIME": Profile(86, 7, 1.0, 0.2, 3, 50, 100),
    "CL-EET-19": Profile(70, 8, 1.0, 0.4, 4, 35, 95),
    "CL-ACCOM-19": Profile(88, 5, 0.8, 0.3, 3, 60, 100),
}

_QUALITY_SHARE = 0.3  # share of between-authority variation from service quality
_MISSING_SHARE = 0.015  # values suppressed at random (never for the demo review authorities)


@dataclass(frozen=True)
class DemoAuthority:
    code: str
    name: str
    region: str


class DemoDataset(NamedTuple):
    """Unpacks as ``authorities, neighbours, values``."""

    authorities: list[DemoAuthority]
    neighbours: dict[str, list[str]]  # code -> ten nearest codes, closest first
    values: pd.DataFrame  # authority_code, indicator_code, period, value


def periods(calendar: bool = False) -> list[str]:
    """The demo's periods: ``2004-05`` … ``2007-08``, or ``2004`` … ``2007``."""
    years = range(FIRST_YEAR, FIRST_YEAR + YEARS)
    if calendar:
        return [str(year) for year in years]
    return [f"{year}-{(year + 1) % 100:02d}" for year in years]


def generate_demo_dataset(
    seed: int = 2007, catalogue: IndicatorCatalogue | None = None
) -> DemoDataset:
    """The fictional dataset (see the module docstring); the same seed gives the same data."""
    catalogue = catalogue if catalogue is not None else load_catalogue()
    missing = [code for code in catalogue.codes if code not in PROFILES]
    if missing:
        raise ValueError(f"no demo profile for indicator(s) {', '.join(missing)}")
    rng = np.random.default_rng(seed)
    authorities = _authorities(random.Random(seed))
    features = _characteristics(authorities, rng)
    neighbours = _neighbours(authorities, features)
    values = _values(authorities, features, catalogue, rng)
    values = _northmere(values, neighbours["NMB"], catalogue)
    return DemoDataset(authorities, neighbours, values)


def write_csv(path: str | os.PathLike[str], dataset: DemoDataset | None = None) -> Path:
    """Write the dataset's values as an import file (``authority_code,indicator_code,period,
    value``); returns the path."""
    dataset = dataset if dataset is not None else generate_demo_dataset()
    target = Path(path)
    dataset.values.to_csv(target, index=False, lineterminator="\n")
    return target


# --------------------------------------------------------------------------- authorities


def is_real_name(name: str) -> bool:
    """True when ``name`` is, or contains, a real authority's (or large town's) name."""
    folded = name.casefold()
    return any(
        real.casefold() == folded or (len(real) >= 4 and real.casefold() in folded)
        for real in REAL_AUTHORITY_NAMES
    )


def _authorities(rng: random.Random) -> list[DemoAuthority]:
    fixed = [DemoAuthority(*row) for row in DEMO_REVIEW_AUTHORITIES]
    taken_codes = {a.code for a in fixed}
    taken_bases = {"Northmere", "Castlebridge", "Fenwick", "Harlow", "Ashcombe", "Wrexley"}
    bases = [p + s for p, s in itertools.product(_PREFIXES, _SUFFIXES)]
    rng.shuffle(bases)
    slots = [
        region
        for region, count in REGIONS.items()
        for _ in range(count - sum(a.region == region for a in fixed))
    ]
    rng.shuffle(slots)
    invented: list[DemoAuthority] = []
    candidates = iter(bases)
    per_prefix: dict[str, int] = {}
    for region in slots:
        while True:
            base = next(candidates)
            prefix = next(p for p in _PREFIXES if base.startswith(p))
            if per_prefix.get(prefix, 0) >= _MAX_PER_PREFIX:
                continue
            if rng.random() < 0.2:
                base = f"{base} {rng.choice(_SECOND_WORDS)}"
            if base.split()[0] not in taken_bases and not is_real_name(base):
                break
        per_prefix[prefix] = per_prefix.get(prefix, 0) + 1
        taken_bases.add(base.split()[0])
        if region == "London":
            name = f"London Borough of {base}"
        else:
            name = f"{base} {rng.choice(_COUNCIL_KINDS)}"
        code = _code_for(base, taken_codes)
        taken_codes.add(code)
        invented.append(DemoAuthority(code, name, region))
    return sorted(fixed + invented, key=lambda a: a.code)


def _code_for(base: str, taken: set[str]) -> str:
    """A three-letter code from the name's letters: first letter, then two later ones."""
    letters = [c for c in base.upper() if c.isalpha()]
    for i, j in itertools.combinations(range(1, len(letters)), 2):
        code = letters[0] + letters[i] + letters[j]
        if code not in taken:
            return code
    for extra in itertools.product("ABCDEFGHIJKLMNOPQRSTUVWXYZ", repeat=2):
        code = letters[0] + "".join(extra)
        if code not in taken:
            return code
    raise RuntimeError(f"no free code for {base}")  # pragma: no cover — 676 codes per letter


# --------------------------------------------------------------------------- neighbours


def _characteristics(authorities: list[DemoAuthority], rng: np.random.Generator) -> np.ndarray:
    """One row per authority: deprivation, urban, log children, diversity, sparsity."""
    base = np.array([_REGION_PROFILE[a.region] for a in authorities])
    spread = np.array([0.15, 0.15, 0.5, 0.1, 0.12])
    features = base + rng.normal(0.0, 1.0, base.shape) * spread
    features[:, [0, 1, 3, 4]] = np.clip(features[:, [0, 1, 3, 4]], 0.02, 0.98)
    for row, authority in enumerate(authorities):
        if authority.code in _DEMO_CHARACTERISTICS:
            features[row] = _DEMO_CHARACTERISTICS[authority.code]
    return features


def _neighbours(authorities: list[DemoAuthority], features: np.ndarray) -> dict[str, list[str]]:
    """The ten nearest authorities by Euclidean distance of standardised characteristics."""
    z = (features - features.mean(axis=0)) / features.std(axis=0)
    distance = np.sqrt(((z[:, None, :] - z[None, :, :]) ** 2).sum(axis=2))
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1, kind="stable")[:, :NEIGHBOUR_COUNT]
    codes = [a.code for a in authorities]
    return {codes[i]: [codes[j] for j in row] for i, row in enumerate(nearest)}


# --------------------------------------------------------------------------- values


def _values(
    authorities: list[DemoAuthority],
    features: np.ndarray,
    catalogue: IndicatorCatalogue,
    rng: np.random.Generator,
) -> pd.DataFrame:
    n = len(authorities)
    deprivation = (features[:, 0] - features[:, 0].mean()) / features[:, 0].std()
    quality = rng.normal(0.0, 1.0, n)  # good services lift every indicator a little
    years = np.arange(YEARS) - 2  # the third year is the anchor
    demo = np.array([a.code in _DEMO_CHARACTERISTICS for a in authorities])
    codes = np.array([a.code for a in authorities])
    frames = []
    for indicator in catalogue:
        p = PROFILES[indicator.code]
        worse = 1.0 if not indicator.higher_is_better else -1.0
        own_share = math.sqrt(max(1.0 - p.deprivation**2 - _QUALITY_SHARE**2, 0.0))
        level = p.mean + p.spread * (
            worse * p.deprivation * deprivation
            - worse * _QUALITY_SHARE * quality
            + own_share * rng.normal(0.0, 1.0, n)
        )
        grid = level[:, None] + p.trend * years[None, :] + rng.normal(0.0, p.noise, (n, YEARS))
        grid = np.round(np.clip(grid, p.low, p.high), indicator.places)
        keep = (rng.random((n, YEARS)) >= _MISSING_SHARE) | demo[:, None]
        rows, cols = np.nonzero(keep)
        frames.append(
            pd.DataFrame(
                {
                    "authority_code": codes[rows],
                    "indicator_code": indicator.code,
                    "period": np.array(periods(p.calendar))[cols],
                    "value": grid[rows, cols],
                }
            )
        )
    values = pd.concat(frames, ignore_index=True)
    return values.astype({"authority_code": object, "indicator_code": object, "period": object})


def _northmere(
    values: pd.DataFrame, neighbours: list[str], catalogue: IndicatorCatalogue
) -> pd.DataFrame:
    """Set Northmere near its neighbours' mean everywhere, markedly worse on three indicators.

    Near: the neighbours' mean plus 1 % of it (alternating sign by period), so that
    no other indicator is flagged whatever the seed. Markedly worse: 25 % of the
    neighbour mean, or 1.5 neighbour standard deviations if that is more, in the
    worse direction — widening over the years for placement moves.
    """
    stats = (
        values[values["authority_code"].isin(neighbours)]
        .groupby(["indicator_code", "period"])["value"]
        .agg(["mean", "std"])
    )
    own = values["authority_code"] == "NMB"
    key = pd.MultiIndex.from_frame(values.loc[own, ["indicator_code", "period"]])
    mean = stats["mean"].reindex(key).to_numpy()
    sd = stats["std"].reindex(key).to_numpy()
    indicator = values.loc[own, "indicator_code"].to_numpy()
    year = values.loc[own, "period"].str[:4].astype(int).to_numpy() - FIRST_YEAR
    higher = pd.Series({i.code: i.higher_is_better for i in catalogue})
    scale = pd.Series({i.code: 10.0**i.places for i in catalogue}).reindex(indicator).to_numpy()
    low = pd.Series({code: p.low for code, p in PROFILES.items()}).reindex(indicator).to_numpy()
    high = pd.Series({code: p.high for code, p in PROFILES.items()}).reindex(indicator).to_numpy()
    worse = np.where(higher.reindex(indicator).to_numpy(dtype=bool), -1.0, 1.0)
    near = mean * (1 + 0.01 * np.where(year % 2 == 0, 1, -1))
    gap = np.maximum(0.25 * np.abs(mean), 1.5 * sd)
    widening = np.where(indicator == "LAC-PLACEMENTS-3PLUS", 0.8 + 0.2 * year, 1.0)
    weak = np.isin(indicator, NORTHMERE_WEAK_INDICATORS)
    value = np.clip(np.where(weak, mean + worse * gap * widening, near), low, high)
    values = values.copy()
    values.loc[own, "value"] = np.round(value * scale) / scale
    return values
