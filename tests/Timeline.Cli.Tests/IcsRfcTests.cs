using System.Text.RegularExpressions;
using Ical.Net.CalendarComponents;
using Timeline.Cli.Export;

namespace Timeline.Cli.Tests;

/// <summary>
/// The iCalendar export, empty or not, checked against RFC 5545's structural rules as written
/// (a reader of the text, not Ical.Net, which accepts a VTIMEZONE without observances) and read
/// back by Ical.Net: VCALENDAR has PRODID, VERSION and at least one component (3.6); every
/// VTIMEZONE has a TZID and at least one STANDARD or DAYLIGHT (3.6.5), each with DTSTART in local
/// time, TZOFFSETFROM and TZOFFSETTO; every VEVENT has UID and DTSTAMP (3.6.1).
/// </summary>
public sealed partial class IcsRfcTests
{
    [Fact]
    public void An_empty_calendar_holds_a_complete_utc_time_zone()
    {
        var text = Ics(new ExportData([], [], "2023-10-16", new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero)));

        var calendar = Parse(text);
        var parsed = Ical.Net.Calendar.Load(text)!;

        Assert.Equal([], RfcViolations(calendar));
        var zone = Assert.Single(calendar.Children);
        Assert.Equal("VTIMEZONE", zone.Name);
        var standard = Assert.Single(zone.Children);
        Assert.Equal("STANDARD", standard.Name);
        Assert.Equal(["+0000"], standard.Values("TZOFFSETFROM"));
        Assert.Equal(["+0000"], standard.Values("TZOFFSETTO"));
        Assert.Equal(["19700101T000000"], standard.Values("DTSTART"));

        Assert.Empty(parsed.Events);
        var timeZone = Assert.Single(parsed.TimeZones);
        Assert.Equal("UTC", timeZone.TzId);
        var observance = Assert.Single(timeZone.TimeZoneInfos);
        Assert.Equal(Ical.Net.Components.Standard, observance.Name);
        Assert.Equal((TimeSpan.Zero, TimeSpan.Zero), (observance.OffsetFrom!.Offset, observance.OffsetTo!.Offset));
    }

    [Fact]
    public void A_calendar_with_deadlines_keeps_every_rule_too()
    {
        var text = Ics(ExportTests.Data());

        var calendar = Parse(text);

        Assert.Equal([], RfcViolations(calendar));
        Assert.Single(calendar.Children, c => c.Name == "VEVENT");
        Assert.All(calendar.Children, c => Assert.Equal("VEVENT", c.Name));
        Assert.Single(Ical.Net.Calendar.Load(text)!.Events);
    }

    [Fact]
    public void The_rule_checker_refuses_what_ical_net_accepts_a_time_zone_without_observances()
    {
        var bare = new Ical.Net.Calendar { ProductId = IcsExport.ProductId };
        bare.AddTimeZone(new VTimeZone("UTC"));
        var text = new Ical.Net.Serialization.CalendarSerializer().SerializeToString(bare)!;

        Assert.NotNull(Ical.Net.Calendar.Load(text));
        Assert.Equal(["VTIMEZONE UTC has no STANDARD or DAYLIGHT"], RfcViolations(Parse(text)));
    }

    private static string Ics(ExportData data)
    {
        var writer = new StringWriter();
        Exporter.Write(ExportFormat.Ics, data, writer);
        return writer.ToString();
    }

    /// <summary>What breaks a rule of RFC 5545 sections 3.6, 3.6.1 and 3.6.5, one line each.</summary>
    private static List<string> RfcViolations(Component calendar)
    {
        var violations = new List<string>();
        void Once(Component c, string property, string where)
        {
            if (c.Values(property).Count != 1)
            {
                violations.Add($"{where} has {c.Values(property).Count} {property}");
            }
        }

        if (calendar.Name != "VCALENDAR")
        {
            violations.Add($"the outer component is {calendar.Name}");
        }

        Once(calendar, "PRODID", "VCALENDAR");
        Once(calendar, "VERSION", "VCALENDAR");
        if (calendar.Children.Count == 0)
        {
            violations.Add("VCALENDAR has no component");
        }

        foreach (var zone in calendar.Children.Where(c => c.Name == "VTIMEZONE"))
        {
            var id = zone.Values("TZID").FirstOrDefault() ?? "(no TZID)";
            Once(zone, "TZID", $"VTIMEZONE {id}");
            if (!zone.Children.Any(c => c.Name is "STANDARD" or "DAYLIGHT"))
            {
                violations.Add($"VTIMEZONE {id} has no STANDARD or DAYLIGHT");
            }

            foreach (var observance in zone.Children)
            {
                var where = $"{observance.Name} of VTIMEZONE {id}";
                if (observance.Name is not ("STANDARD" or "DAYLIGHT"))
                {
                    violations.Add($"VTIMEZONE {id} holds {observance.Name}");
                }

                Once(observance, "DTSTART", where);
                Once(observance, "TZOFFSETFROM", where);
                Once(observance, "TZOFFSETTO", where);
                violations.AddRange(observance.Values("DTSTART").Where(v => !LocalDateTime().IsMatch(v)).Select(v => $"{where} starts at {v}, not a local date-time"));
                violations.AddRange(observance.Values("TZOFFSETFROM").Concat(observance.Values("TZOFFSETTO")).Where(v => !UtcOffset().IsMatch(v)).Select(v => $"{where} has offset {v}"));
            }
        }

        foreach (var vevent in calendar.Children.Where(c => c.Name == "VEVENT"))
        {
            Once(vevent, "UID", "VEVENT");
            Once(vevent, "DTSTAMP", "VEVENT");
        }

        return violations;
    }

    /// <summary>The component tree of the text, lines unfolded (3.1); each property's parameters are dropped, its value kept.</summary>
    private static Component Parse(string text)
    {
        var lines = new List<string>();
        foreach (var line in text.Split("\r\n"))
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                lines[^1] += line[1..];
            }
            else if (line.Length > 0)
            {
                lines.Add(line);
            }
        }

        var stack = new Stack<Component>();
        Component? root = null;
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = line[..colon].Split(';')[0].ToUpperInvariant();
            var value = line[(colon + 1)..];
            switch (name)
            {
                case "BEGIN":
                    var component = new Component(value.ToUpperInvariant());
                    if (stack.Count > 0)
                    {
                        stack.Peek().Children.Add(component);
                    }
                    else
                    {
                        root = component;
                    }

                    stack.Push(component);
                    break;
                case "END":
                    Assert.Equal(stack.Pop().Name, value.ToUpperInvariant());
                    break;
                default:
                    stack.Peek().Properties.Add((name, value));
                    break;
            }
        }

        Assert.Empty(stack);
        return root!;
    }

    [GeneratedRegex(@"^\d{8}T\d{6}$")]
    private static partial Regex LocalDateTime();

    [GeneratedRegex(@"^[+-]\d{4}(\d{2})?$")]
    private static partial Regex UtcOffset();

    private sealed record Component(string Name)
    {
        public List<Component> Children { get; } = [];

        public List<(string Name, string Value)> Properties { get; } = [];

        public List<string> Values(string property) => [.. Properties.Where(p => p.Name == property).Select(p => p.Value)];
    }
}
