namespace Timeline.Domain.Validation;

/// <summary>One ISO 3166-1 country: its alpha-3 code, its numeric code and its English names (short name first).</summary>
public sealed record Country(string Alpha3, int Numeric, IReadOnlyList<string> Names)
{
    /// <summary>The ISO short name, e.g. "Côte d'Ivoire".</summary>
    public string Name => Names[0];
}

/// <summary>
/// Every ISO 3166-1 country (249, from the ISO 3166 Maintenance Agency's list as Debian's iso-codes
/// 4.15 publishes it: short, common and official English names), plus XKX for Kosovo (user-assigned,
/// used by ACLED and the EU; no numeric code). One table for validating <c>location.country</c> and
/// for importers that give a country as a number or a name.
/// </summary>
public static class CountryCodes
{
    /// <summary>Kosovo's user-assigned alpha-3 code; ISO 3166-1 gives it no numeric code (0 here, never looked up).</summary>
    public const string Kosovo = "XKX";

    private static readonly Country[] Table =
    [
        new("ABW", 533, ["Aruba"]),
        new("AFG", 4, ["Afghanistan", "Islamic Republic of Afghanistan"]),
        new("AGO", 24, ["Angola", "Republic of Angola"]),
        new("AIA", 660, ["Anguilla"]),
        new("ALA", 248, ["Åland Islands"]),
        new("ALB", 8, ["Albania", "Republic of Albania"]),
        new("AND", 20, ["Andorra", "Principality of Andorra"]),
        new("ARE", 784, ["United Arab Emirates"]),
        new("ARG", 32, ["Argentina", "Argentine Republic"]),
        new("ARM", 51, ["Armenia", "Republic of Armenia"]),
        new("ASM", 16, ["American Samoa"]),
        new("ATA", 10, ["Antarctica"]),
        new("ATF", 260, ["French Southern Territories"]),
        new("ATG", 28, ["Antigua and Barbuda"]),
        new("AUS", 36, ["Australia"]),
        new("AUT", 40, ["Austria", "Republic of Austria"]),
        new("AZE", 31, ["Azerbaijan", "Republic of Azerbaijan"]),
        new("BDI", 108, ["Burundi", "Republic of Burundi"]),
        new("BEL", 56, ["Belgium", "Kingdom of Belgium"]),
        new("BEN", 204, ["Benin", "Republic of Benin"]),
        new("BES", 535, ["Bonaire, Sint Eustatius and Saba"]),
        new("BFA", 854, ["Burkina Faso"]),
        new("BGD", 50, ["Bangladesh", "People's Republic of Bangladesh"]),
        new("BGR", 100, ["Bulgaria", "Republic of Bulgaria"]),
        new("BHR", 48, ["Bahrain", "Kingdom of Bahrain"]),
        new("BHS", 44, ["Bahamas", "Commonwealth of the Bahamas"]),
        new("BIH", 70, ["Bosnia and Herzegovina", "Republic of Bosnia and Herzegovina"]),
        new("BLM", 652, ["Saint Barthélemy"]),
        new("BLR", 112, ["Belarus", "Republic of Belarus"]),
        new("BLZ", 84, ["Belize"]),
        new("BMU", 60, ["Bermuda"]),
        new("BOL", 68, ["Bolivia, Plurinational State of", "Bolivia", "Plurinational State of Bolivia"]),
        new("BRA", 76, ["Brazil", "Federative Republic of Brazil"]),
        new("BRB", 52, ["Barbados"]),
        new("BRN", 96, ["Brunei Darussalam"]),
        new("BTN", 64, ["Bhutan", "Kingdom of Bhutan"]),
        new("BVT", 74, ["Bouvet Island"]),
        new("BWA", 72, ["Botswana", "Republic of Botswana"]),
        new("CAF", 140, ["Central African Republic"]),
        new("CAN", 124, ["Canada"]),
        new("CCK", 166, ["Cocos (Keeling) Islands"]),
        new("CHE", 756, ["Switzerland", "Swiss Confederation"]),
        new("CHL", 152, ["Chile", "Republic of Chile"]),
        new("CHN", 156, ["China", "People's Republic of China"]),
        new("CIV", 384, ["Côte d'Ivoire", "Republic of Côte d'Ivoire"]),
        new("CMR", 120, ["Cameroon", "Republic of Cameroon"]),
        new("COD", 180, ["Congo, The Democratic Republic of the"]),
        new("COG", 178, ["Congo", "Republic of the Congo"]),
        new("COK", 184, ["Cook Islands"]),
        new("COL", 170, ["Colombia", "Republic of Colombia"]),
        new("COM", 174, ["Comoros", "Union of the Comoros"]),
        new("CPV", 132, ["Cabo Verde", "Republic of Cabo Verde"]),
        new("CRI", 188, ["Costa Rica", "Republic of Costa Rica"]),
        new("CUB", 192, ["Cuba", "Republic of Cuba"]),
        new("CUW", 531, ["Curaçao"]),
        new("CXR", 162, ["Christmas Island"]),
        new("CYM", 136, ["Cayman Islands"]),
        new("CYP", 196, ["Cyprus", "Republic of Cyprus"]),
        new("CZE", 203, ["Czechia", "Czech Republic"]),
        new("DEU", 276, ["Germany", "Federal Republic of Germany"]),
        new("DJI", 262, ["Djibouti", "Republic of Djibouti"]),
        new("DMA", 212, ["Dominica", "Commonwealth of Dominica"]),
        new("DNK", 208, ["Denmark", "Kingdom of Denmark"]),
        new("DOM", 214, ["Dominican Republic"]),
        new("DZA", 12, ["Algeria", "People's Democratic Republic of Algeria"]),
        new("ECU", 218, ["Ecuador", "Republic of Ecuador"]),
        new("EGY", 818, ["Egypt", "Arab Republic of Egypt"]),
        new("ERI", 232, ["Eritrea", "the State of Eritrea"]),
        new("ESH", 732, ["Western Sahara"]),
        new("ESP", 724, ["Spain", "Kingdom of Spain"]),
        new("EST", 233, ["Estonia", "Republic of Estonia"]),
        new("ETH", 231, ["Ethiopia", "Federal Democratic Republic of Ethiopia"]),
        new("FIN", 246, ["Finland", "Republic of Finland"]),
        new("FJI", 242, ["Fiji", "Republic of Fiji"]),
        new("FLK", 238, ["Falkland Islands (Malvinas)"]),
        new("FRA", 250, ["France", "French Republic"]),
        new("FRO", 234, ["Faroe Islands"]),
        new("FSM", 583, ["Micronesia, Federated States of", "Federated States of Micronesia"]),
        new("GAB", 266, ["Gabon", "Gabonese Republic"]),
        new("GBR", 826, ["United Kingdom", "United Kingdom of Great Britain and Northern Ireland"]),
        new("GEO", 268, ["Georgia"]),
        new("GGY", 831, ["Guernsey"]),
        new("GHA", 288, ["Ghana", "Republic of Ghana"]),
        new("GIB", 292, ["Gibraltar"]),
        new("GIN", 324, ["Guinea", "Republic of Guinea"]),
        new("GLP", 312, ["Guadeloupe"]),
        new("GMB", 270, ["Gambia", "Republic of the Gambia"]),
        new("GNB", 624, ["Guinea-Bissau", "Republic of Guinea-Bissau"]),
        new("GNQ", 226, ["Equatorial Guinea", "Republic of Equatorial Guinea"]),
        new("GRC", 300, ["Greece", "Hellenic Republic"]),
        new("GRD", 308, ["Grenada"]),
        new("GRL", 304, ["Greenland"]),
        new("GTM", 320, ["Guatemala", "Republic of Guatemala"]),
        new("GUF", 254, ["French Guiana"]),
        new("GUM", 316, ["Guam"]),
        new("GUY", 328, ["Guyana", "Republic of Guyana"]),
        new("HKG", 344, ["Hong Kong", "Hong Kong Special Administrative Region of China"]),
        new("HMD", 334, ["Heard Island and McDonald Islands"]),
        new("HND", 340, ["Honduras", "Republic of Honduras"]),
        new("HRV", 191, ["Croatia", "Republic of Croatia"]),
        new("HTI", 332, ["Haiti", "Republic of Haiti"]),
        new("HUN", 348, ["Hungary"]),
        new("IDN", 360, ["Indonesia", "Republic of Indonesia"]),
        new("IMN", 833, ["Isle of Man"]),
        new("IND", 356, ["India", "Republic of India"]),
        new("IOT", 86, ["British Indian Ocean Territory"]),
        new("IRL", 372, ["Ireland"]),
        new("IRN", 364, ["Iran, Islamic Republic of", "Iran", "Islamic Republic of Iran"]),
        new("IRQ", 368, ["Iraq", "Republic of Iraq"]),
        new("ISL", 352, ["Iceland", "Republic of Iceland"]),
        new("ISR", 376, ["Israel", "State of Israel"]),
        new("ITA", 380, ["Italy", "Italian Republic"]),
        new("JAM", 388, ["Jamaica"]),
        new("JEY", 832, ["Jersey"]),
        new("JOR", 400, ["Jordan", "Hashemite Kingdom of Jordan"]),
        new("JPN", 392, ["Japan"]),
        new("KAZ", 398, ["Kazakhstan", "Republic of Kazakhstan"]),
        new("KEN", 404, ["Kenya", "Republic of Kenya"]),
        new("KGZ", 417, ["Kyrgyzstan", "Kyrgyz Republic"]),
        new("KHM", 116, ["Cambodia", "Kingdom of Cambodia"]),
        new("KIR", 296, ["Kiribati", "Republic of Kiribati"]),
        new("KNA", 659, ["Saint Kitts and Nevis"]),
        new("KOR", 410, ["Korea, Republic of", "South Korea"]),
        new("KWT", 414, ["Kuwait", "State of Kuwait"]),
        new("LAO", 418, ["Lao People's Democratic Republic", "Laos"]),
        new("LBN", 422, ["Lebanon", "Lebanese Republic"]),
        new("LBR", 430, ["Liberia", "Republic of Liberia"]),
        new("LBY", 434, ["Libya"]),
        new("LCA", 662, ["Saint Lucia"]),
        new("LIE", 438, ["Liechtenstein", "Principality of Liechtenstein"]),
        new("LKA", 144, ["Sri Lanka", "Democratic Socialist Republic of Sri Lanka"]),
        new("LSO", 426, ["Lesotho", "Kingdom of Lesotho"]),
        new("LTU", 440, ["Lithuania", "Republic of Lithuania"]),
        new("LUX", 442, ["Luxembourg", "Grand Duchy of Luxembourg"]),
        new("LVA", 428, ["Latvia", "Republic of Latvia"]),
        new("MAC", 446, ["Macao", "Macao Special Administrative Region of China"]),
        new("MAF", 663, ["Saint Martin (French part)"]),
        new("MAR", 504, ["Morocco", "Kingdom of Morocco"]),
        new("MCO", 492, ["Monaco", "Principality of Monaco"]),
        new("MDA", 498, ["Moldova, Republic of", "Moldova", "Republic of Moldova"]),
        new("MDG", 450, ["Madagascar", "Republic of Madagascar"]),
        new("MDV", 462, ["Maldives", "Republic of Maldives"]),
        new("MEX", 484, ["Mexico", "United Mexican States"]),
        new("MHL", 584, ["Marshall Islands", "Republic of the Marshall Islands"]),
        new("MKD", 807, ["North Macedonia", "Republic of North Macedonia"]),
        new("MLI", 466, ["Mali", "Republic of Mali"]),
        new("MLT", 470, ["Malta", "Republic of Malta"]),
        new("MMR", 104, ["Myanmar", "Republic of Myanmar"]),
        new("MNE", 499, ["Montenegro"]),
        new("MNG", 496, ["Mongolia"]),
        new("MNP", 580, ["Northern Mariana Islands", "Commonwealth of the Northern Mariana Islands"]),
        new("MOZ", 508, ["Mozambique", "Republic of Mozambique"]),
        new("MRT", 478, ["Mauritania", "Islamic Republic of Mauritania"]),
        new("MSR", 500, ["Montserrat"]),
        new("MTQ", 474, ["Martinique"]),
        new("MUS", 480, ["Mauritius", "Republic of Mauritius"]),
        new("MWI", 454, ["Malawi", "Republic of Malawi"]),
        new("MYS", 458, ["Malaysia"]),
        new("MYT", 175, ["Mayotte"]),
        new("NAM", 516, ["Namibia", "Republic of Namibia"]),
        new("NCL", 540, ["New Caledonia"]),
        new("NER", 562, ["Niger", "Republic of the Niger"]),
        new("NFK", 574, ["Norfolk Island"]),
        new("NGA", 566, ["Nigeria", "Federal Republic of Nigeria"]),
        new("NIC", 558, ["Nicaragua", "Republic of Nicaragua"]),
        new("NIU", 570, ["Niue"]),
        new("NLD", 528, ["Netherlands", "Kingdom of the Netherlands"]),
        new("NOR", 578, ["Norway", "Kingdom of Norway"]),
        new("NPL", 524, ["Nepal", "Federal Democratic Republic of Nepal"]),
        new("NRU", 520, ["Nauru", "Republic of Nauru"]),
        new("NZL", 554, ["New Zealand"]),
        new("OMN", 512, ["Oman", "Sultanate of Oman"]),
        new("PAK", 586, ["Pakistan", "Islamic Republic of Pakistan"]),
        new("PAN", 591, ["Panama", "Republic of Panama"]),
        new("PCN", 612, ["Pitcairn"]),
        new("PER", 604, ["Peru", "Republic of Peru"]),
        new("PHL", 608, ["Philippines", "Republic of the Philippines"]),
        new("PLW", 585, ["Palau", "Republic of Palau"]),
        new("PNG", 598, ["Papua New Guinea", "Independent State of Papua New Guinea"]),
        new("POL", 616, ["Poland", "Republic of Poland"]),
        new("PRI", 630, ["Puerto Rico"]),
        new("PRK", 408, ["Korea, Democratic People's Republic of", "North Korea", "Democratic People's Republic of Korea"]),
        new("PRT", 620, ["Portugal", "Portuguese Republic"]),
        new("PRY", 600, ["Paraguay", "Republic of Paraguay"]),
        new("PSE", 275, ["Palestine, State of", "the State of Palestine"]),
        new("PYF", 258, ["French Polynesia"]),
        new("QAT", 634, ["Qatar", "State of Qatar"]),
        new("REU", 638, ["Réunion"]),
        new("ROU", 642, ["Romania"]),
        new("RUS", 643, ["Russian Federation"]),
        new("RWA", 646, ["Rwanda", "Rwandese Republic"]),
        new("SAU", 682, ["Saudi Arabia", "Kingdom of Saudi Arabia"]),
        new("SDN", 729, ["Sudan", "Republic of the Sudan"]),
        new("SEN", 686, ["Senegal", "Republic of Senegal"]),
        new("SGP", 702, ["Singapore", "Republic of Singapore"]),
        new("SGS", 239, ["South Georgia and the South Sandwich Islands"]),
        new("SHN", 654, ["Saint Helena, Ascension and Tristan da Cunha"]),
        new("SJM", 744, ["Svalbard and Jan Mayen"]),
        new("SLB", 90, ["Solomon Islands"]),
        new("SLE", 694, ["Sierra Leone", "Republic of Sierra Leone"]),
        new("SLV", 222, ["El Salvador", "Republic of El Salvador"]),
        new("SMR", 674, ["San Marino", "Republic of San Marino"]),
        new("SOM", 706, ["Somalia", "Federal Republic of Somalia"]),
        new("SPM", 666, ["Saint Pierre and Miquelon"]),
        new("SRB", 688, ["Serbia", "Republic of Serbia"]),
        new("SSD", 728, ["South Sudan", "Republic of South Sudan"]),
        new("STP", 678, ["Sao Tome and Principe", "Democratic Republic of Sao Tome and Principe"]),
        new("SUR", 740, ["Suriname", "Republic of Suriname"]),
        new("SVK", 703, ["Slovakia", "Slovak Republic"]),
        new("SVN", 705, ["Slovenia", "Republic of Slovenia"]),
        new("SWE", 752, ["Sweden", "Kingdom of Sweden"]),
        new("SWZ", 748, ["Eswatini", "Kingdom of Eswatini"]),
        new("SXM", 534, ["Sint Maarten (Dutch part)"]),
        new("SYC", 690, ["Seychelles", "Republic of Seychelles"]),
        new("SYR", 760, ["Syrian Arab Republic", "Syria"]),
        new("TCA", 796, ["Turks and Caicos Islands"]),
        new("TCD", 148, ["Chad", "Republic of Chad"]),
        new("TGO", 768, ["Togo", "Togolese Republic"]),
        new("THA", 764, ["Thailand", "Kingdom of Thailand"]),
        new("TJK", 762, ["Tajikistan", "Republic of Tajikistan"]),
        new("TKL", 772, ["Tokelau"]),
        new("TKM", 795, ["Turkmenistan"]),
        new("TLS", 626, ["Timor-Leste", "Democratic Republic of Timor-Leste"]),
        new("TON", 776, ["Tonga", "Kingdom of Tonga"]),
        new("TTO", 780, ["Trinidad and Tobago", "Republic of Trinidad and Tobago"]),
        new("TUN", 788, ["Tunisia", "Republic of Tunisia"]),
        new("TUR", 792, ["Türkiye", "Republic of Türkiye"]),
        new("TUV", 798, ["Tuvalu"]),
        new("TWN", 158, ["Taiwan, Province of China", "Taiwan"]),
        new("TZA", 834, ["Tanzania, United Republic of", "Tanzania", "United Republic of Tanzania"]),
        new("UGA", 800, ["Uganda", "Republic of Uganda"]),
        new("UKR", 804, ["Ukraine"]),
        new("UMI", 581, ["United States Minor Outlying Islands"]),
        new("URY", 858, ["Uruguay", "Eastern Republic of Uruguay"]),
        new("USA", 840, ["United States", "United States of America"]),
        new("UZB", 860, ["Uzbekistan", "Republic of Uzbekistan"]),
        new("VAT", 336, ["Holy See (Vatican City State)"]),
        new("VCT", 670, ["Saint Vincent and the Grenadines"]),
        new("VEN", 862, ["Venezuela, Bolivarian Republic of", "Venezuela", "Bolivarian Republic of Venezuela"]),
        new("VGB", 92, ["Virgin Islands, British", "British Virgin Islands"]),
        new("VIR", 850, ["Virgin Islands, U.S.", "Virgin Islands of the United States"]),
        new("VNM", 704, ["Viet Nam", "Vietnam", "Socialist Republic of Viet Nam"]),
        new("VUT", 548, ["Vanuatu", "Republic of Vanuatu"]),
        new("WLF", 876, ["Wallis and Futuna"]),
        new("WSM", 882, ["Samoa", "Independent State of Samoa"]),
        new("YEM", 887, ["Yemen", "Republic of Yemen"]),
        new("ZAF", 710, ["South Africa", "Republic of South Africa"]),
        new("ZMB", 894, ["Zambia", "Republic of Zambia"]),
        new("ZWE", 716, ["Zimbabwe", "Republic of Zimbabwe"]),
        new(Kosovo, 0, ["Kosovo", "Republic of Kosovo"]),
    ];

    private static readonly Dictionary<string, Country> ByAlpha3 = Table.ToDictionary(c => c.Alpha3, StringComparer.Ordinal);

    private static readonly Dictionary<int, Country> ByNumericCode = Table.Where(c => c.Numeric > 0).ToDictionary(c => c.Numeric);

    private static readonly Dictionary<string, Country> ByNameKey = BuildNames();

    /// <summary>Every country in the table, ordered by alpha-3 code.</summary>
    public static IReadOnlyList<Country> All => Table;

    /// <summary>Whether <paramref name="code"/> is an upper-case ISO 3166-1 alpha-3 code (or XKX).</summary>
    public static bool IsValid(string code) => ByAlpha3.ContainsKey(code);

    /// <summary>The country with ISO 3166-1 numeric code <paramref name="numeric"/> (466 is Mali).</summary>
    public static Country? ByNumeric(int numeric) => ByNumericCode.GetValueOrDefault(numeric);

    /// <summary>The country with one of these English names, ignoring case, accents and punctuation ("cote d ivoire").</summary>
    public static Country? ByName(string name) => ByNameKey.GetValueOrDefault(NameKey(name));

    /// <summary>The country with this alpha-3 code, any case.</summary>
    public static Country? ByCode(string alpha3) => ByAlpha3.GetValueOrDefault(alpha3.Trim().ToUpperInvariant());

    /// <summary>
    /// A name reduced to what identifies it: lower case, Latin accents removed (<see cref="TextFolding"/>),
    /// every run of other characters one space ("Côte d'Ivoire" and "cote d ivoire" give the same key).
    /// </summary>
    public static string NameKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = new System.Text.StringBuilder(name.Length);
        foreach (var original in name)
        {
            var c = TextFolding.Fold(original);
            if (char.IsLetterOrDigit(c))
            {
                key.Append(c);
            }
            else if (key.Length > 0 && key[^1] != ' ')
            {
                key.Append(' ');
            }
        }

        return key.ToString().TrimEnd();
    }

    private static Dictionary<string, Country> BuildNames()
    {
        var names = new Dictionary<string, Country>(StringComparer.Ordinal);
        foreach (var country in Table)
        {
            foreach (var name in country.Names)
            {
                names.TryAdd(NameKey(name), country);
            }
        }

        return names;
    }
}
