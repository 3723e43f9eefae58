namespace Timeline.StorageService.Storage;

/// <summary>A page of a list from its rows read one beyond the page (to know whether there is a next one and where it starts), on either backend.</summary>
internal static class ListPage
{
    public static EventPage From(List<RevisionRow> rows, int size)
    {
        var page = rows.Count > size ? rows.GetRange(0, size) : rows;
        var more = rows.Count > size;

        // The row read beyond the page also tells where the next page starts.
        return new EventPage(
            [.. page.Select(r => r.ToRecord())],
            more ? new ChronologicalKey((int)page[^1].Earliest, (int)page[^1].Latest, page[^1].Position) : null,
            more ? (int)rows[size].Earliest : null);
    }
}
