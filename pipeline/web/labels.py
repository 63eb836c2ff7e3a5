"""The texts of the pages themselves (headings, links, notes) in Finnish, Swedish and English.

The names of terms come from the model (graph/model.py), not from here.
"""

from __future__ import annotations

#: The order of the texts in each entry of _UI (named here, not taken from config.LANGS).
_ORDER = ("fi", "sv", "en")

_UI = {
    "referenced": ("Viittaukset tähän", "Hänvisningar hit", "Referenced by"),
    "download": ("Lataa", "Ladda ner", "Download"),
    "query": ("SPARQL-kyselyt", "SPARQL-frågor", "SPARQL queries"),
    "limits": ("Rajat", "Gränser", "Limits"),
    "home": ("Etusivu", "Startsida", "Home"),
    "ontology": ("Sanasto", "Vokabulär", "Vocabulary"),
    "licence": ("Lisenssi", "Licens", "Licence"),
    "examples": ("Esimerkkikyselyt", "Exempelfrågor", "Example queries"),
    "run": ("Suorita", "Kör", "Run"),
    "classes": ("Luokat", "Klasser", "Classes"),
    "properties": ("Ominaisuudet", "Egenskaper", "Properties"),
    "property": ("Ominaisuus", "Egenskap", "Property"),
    "value": ("Arvo", "Värde", "Value"),
    "from": ("Mistä", "Från", "From"),
    "changes": ("Muutokset", "Ändringar", "Changes"),
    "release": ("Julkaisu", "Utgåva", "Release"),
    "triples": ("kolmikkoa", "tripler", "triples"),
    "current": ("nykyinen", "nuvarande", "current"),
    "since": ("edellisestä julkaisusta", "sedan föregående utgåva", "since the release before"),
    "added": ("lisätty", "tillagda", "added"),
    "removed": ("poistettu", "borttagna", "removed"),
    "first_release": ("ensimmäinen julkaisu", "första utgåvan", "the first release"),
    "changeset": ("Muutosjoukko (TriG)", "Ändringsmängd (TriG)", "Change set (TriG)"),
    "gone": ("Poistettu tunniste", "Borttagen identifierare", "Withdrawn identifier"),
    "gone_text": ("Tätä tunnistetta ei enää julkaista.", "Denna identifierare publiceras inte längre.",
                  "This identifier is no longer published."),
    "withdrawn_in": ("Poistettu julkaisussa", "Borttagen i utgåvan", "Withdrawn in release"),
    "last_in": ("Viimeksi julkaisussa", "Senast i utgåvan", "Last in release"),
    "replaced_by": ("Korvaaja", "Ersatt av", "Replaced by"),
    "reason": ("Syy", "Orsak", "Reason"),
    "summary": ("Tiivistelmä", "Sammanfattning", "Summary"),
    "s_subregion": ("Seutukunta", "Ekonomisk region", "Sub-region"),
    "s_region": ("Maakunta", "Landskap", "Region"),
    "s_area": ("KOKO-alue", "KOKO-område", "KOKO area"),
    "s_contact": ("Yhteyshenkilö", "Kontaktperson", "Contact"),
    "s_merged_into": ("Liitetty kuntaan", "Sammanslagen med", "Merged into"),
    "s_merged_from": ("Siihen liitetyt", "Sammanslagna med den", "Merged into it"),
    "s_municipalities": ("Kunnat", "Kommuner", "Municipalities"),
    "s_named_members": ("Nimetyt jäsenet ilman kuntanumeroa", "Namngivna medlemmar utan kommunnummer", "Members named without a code"),
    "s_end": ("Päättyi", "Avslutades", "Ended"),
    "s_organisation": ("Hallinnoija", "Förvaltare", "Run by"),
    "s_funding": ("Rahoitus", "Finansiering", "Funding"),
    "s_amount": ("Summa", "Belopp", "Amount"),
    "s_funded": ("Rahoituksen kohde", "Finansieringen gäller", "Funds"),
    "s_period": ("Ohjelmakausi", "Programperiod", "Programme period"),
    "s_areas": ("KOKO-alueet", "KOKO-områden", "KOKO areas"),
    "s_networks": ("Kansalliset verkostot", "Nationella nätverk", "National networks"),
    "s_replaces": ("Edeltäjät", "Föregångare", "Predecessors"),
    "s_in_year": ("luokitus", "indelning", "division of"),
    "map": ("Kartta", "Karta", "Map"),
    "map_legend": ("KOKO-alueet kartalla", "KOKO-områden på kartan", "KOKO areas on the map"),
    "map_note": ("Kuntarajat 2013, yksinkertaistettu, mapcolorizer-projektista (MIT-lisenssi); entiset kunnat piirretään kuntaan, johon ne liitettiin.",
                 "Kommungränser 2013, förenklade, från projektet mapcolorizer (MIT-licens); tidigare kommuner ritas med den kommun de gick upp i.",
                 "Municipal boundaries 2013, simplified, from the mapcolorizer project (MIT licence); former municipalities are drawn with the one they merged into."),
    "bulk": ("Näillä on sivut vain palvelimella (koko serve), SPARQL-kyselyinä ja latauksissa:",
             "Dessa har sidor bara på servern (koko serve), via SPARQL och i nedladdningarna:",
             "These have pages only on the server (koko serve), through SPARQL and in the downloads:"),
}

#: The pages' own words: key -> {language: text}.
UI = {key: dict(zip(_ORDER, texts, strict=True)) for key, texts in _UI.items()}
