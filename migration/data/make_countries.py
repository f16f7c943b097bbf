#!/usr/bin/env python3
"""Builds countries.csv, Frontline's country reference table, from two sources:

- country-codes.csv (datasets/country-codes: ISO 3166, UN M49 regions, CLDR languages;
  ODC-PDDL-1.0)
- world-bank-income-groups-fy2025.csv (World Bank Country and Lending Groups, FY2025;
  CC BY 4.0)

usage: make_countries.py SOURCE_DIR > countries.csv

Choices: the World Bank's "Channel Islands" (CHI) group is given to Jersey and
Guernsey; Kosovo, classified by the World Bank (XKX) but absent from ISO 3166, is
added under its widely used user-assigned codes XK / XKX, in Southern Europe.
Income groups are written as low, lower_middle, upper_middle, high, or left empty
when unclassified.
"""
import csv, sys

src = sys.argv[1]
codes = list(csv.DictReader(open(f"{src}/country-codes.csv", encoding="utf-8")))
bank = {r["iso3"]: r for r in csv.DictReader(open(f"{src}/world-bank-income-groups-fy2025.csv", encoding="utf-8"))}
groups = {"Low income": "low", "Lower middle income": "lower_middle", "Upper middle income": "upper_middle", "High income": "high", "": ""}
aliases = {"JEY": "CHI", "GGY": "CHI"}

rows = []
for c in codes:
    wb = bank.get(c["iso3"]) or bank.get(aliases.get(c["iso3"], ""))
    rows.append({
        "iso2": c["iso2"], "iso3": c["iso3"], "numeric": c["iso_numeric"], "name": c["name"],
        "region": c["m49_region"], "sub_region": c["m49_sub_region"], "intermediate_region": c["m49_intermediate_region"],
        "income_group": groups[wb["income_group"]] if wb else "",
        "ldc": "1" if c["ldc"] == "x" else "0", "lldc": "1" if c["lldc"] == "x" else "0", "sids": "1" if c["sids"] == "x" else "0",
        "languages": c["languages"],
    })
kosovo = bank["XKX"]
rows.append({"iso2": "XK", "iso3": "XKX", "numeric": "", "name": "Kosovo", "region": "Europe", "sub_region": "Southern Europe",
             "intermediate_region": "", "income_group": groups[kosovo["income_group"]], "ldc": "0", "lldc": "1", "sids": "0",
             "languages": "sq,sr"})
rows.sort(key=lambda r: r["iso2"])
out = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()), lineterminator="\n")
out.writeheader()
out.writerows(rows)
