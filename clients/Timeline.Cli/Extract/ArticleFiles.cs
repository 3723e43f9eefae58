using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Timeline.Cli.Infrastructure;
using Timeline.Domain.Dates;
using Timeline.Extraction;

namespace Timeline.Cli.Extract;

/// <summary>An article read from a file or standard input, with what an HTML page says of itself (its date, its address).</summary>
internal sealed record ArticleInput(Article Article, string Name, bool Html)
{
    public CalendarDay? Published { get; init; }

    public string? Url { get; init; }
}

/// <summary>
/// Reads an article: plain text as it is, HTML as its main text only (AngleSharp parses it; nothing
/// is fetched, no script runs): the <c>article</c> or <c>main</c> element when there is one, else
/// the body, without scripts, styles, navigation, headers, footers, asides, forms and the blocks
/// pages use for sharing, comments and related links. Each block element is a paragraph.
/// </summary>
internal static class ArticleFiles
{
    private static readonly HashSet<string> Dropped =
        ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template", "button", "select", "figure", "menu", "dialog", "object", "canvas"];

    private static readonly HashSet<string> Blocks =
        ["p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "blockquote", "dd", "dt", "dl", "pre", "table", "tr", "td", "th", "br", "hr", "body"];

    /// <summary>Words in a class or id that mark page furniture: sharing, comments, related links, adverts, menus.</summary>
    private static readonly string[] FurnitureMarks =
        ["share", "social", "related", "comment", "newsletter", "advert", "promo", "menu", "breadcrumb", "cookie", "footer", "sidebar", "subscribe", "tags", "categories", "byline-share"];

    public static ArticleInput Read(string path, TextReader standardInput)
    {
        string text;
        string name;
        if (path == "-")
        {
            text = standardInput.ReadToEnd();
            name = "standard input";
        }
        else
        {
            ImportFiles.RequireFile(path);
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"cannot read {path}: {ex.Message}", ex);
            }

            name = Path.GetFileName(path);
        }

        if (text.Trim().Length == 0)
        {
            throw new CliException($"{name}: no text to read");
        }

        var html = path.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".htm", StringComparison.OrdinalIgnoreCase) || LooksLikeHtml(text);
        return html ? FromHtml(text, name) : new ArticleInput(ArticleText.FromPlainText(text), name, false);
    }

    public static bool LooksLikeHtml(string text)
    {
        var start = text.TrimStart();
        return start.StartsWith('<') && (start.Contains("<p", StringComparison.OrdinalIgnoreCase) || start.Contains("<html", StringComparison.OrdinalIgnoreCase) ||
            start.Contains("<body", StringComparison.OrdinalIgnoreCase) || start.Contains("<article", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<!doctype", StringComparison.OrdinalIgnoreCase));
    }

    public static ArticleInput FromHtml(string html, string name)
    {
        var document = new HtmlParser().ParseDocument(html);
        var root = (IElement?)document.QuerySelector("article") ?? document.QuerySelector("main") ?? document.QuerySelector("[role=main]") ?? document.Body ?? document.DocumentElement;
        var paragraphs = new List<string>();
        var current = new StringBuilder();
        Walk(root, current, paragraphs);
        Flush(current, paragraphs);

        // The headline: the page's h1, when the main text does not open with it.
        var heading = document.QuerySelector("h1")?.TextContent.Trim() ?? document.Title?.Trim();
        if (heading is { Length: > 0 } && (paragraphs.Count == 0 || !string.Equals(Collapse(paragraphs[0]), Collapse(heading), StringComparison.Ordinal)))
        {
            paragraphs.Insert(0, heading);
        }

        var published = PublishedDate(document);
        var url = document.QuerySelector("link[rel=canonical]")?.GetAttribute("href") ?? document.QuerySelector("meta[property='og:url']")?.GetAttribute("content");
        return new ArticleInput(ArticleText.FromParagraphs(paragraphs), name, true) { Published = published, Url = url };
    }

    private static void Walk(INode node, StringBuilder current, List<string> paragraphs)
    {
        foreach (var child in node.ChildNodes)
        {
            if (child is IText textNode)
            {
                current.Append(textNode.Data);
                continue;
            }

            if (child is not IElement element || IsFurniture(element))
            {
                continue;
            }

            var block = Blocks.Contains(element.LocalName);
            if (block)
            {
                Flush(current, paragraphs);
            }

            Walk(element, current, paragraphs);
            if (block)
            {
                Flush(current, paragraphs);
            }
        }
    }

    private static bool IsFurniture(IElement element)
    {
        if (Dropped.Contains(element.LocalName) || element.GetAttribute("role") is "navigation" or "banner" or "contentinfo" or "complementary" || element.HasAttribute("hidden") ||
            element.GetAttribute("aria-hidden") == "true")
        {
            return true;
        }

        var marks = $"{element.GetAttribute("class")} {element.Id}".ToLowerInvariant();
        return marks.Trim().Length > 0 && FurnitureMarks.Any(m => marks.Contains(m, StringComparison.Ordinal));
    }

    private static void Flush(StringBuilder current, List<string> paragraphs)
    {
        var text = Collapse(current.ToString());
        if (text.Length > 0)
        {
            paragraphs.Add(text);
        }

        current.Clear();
    }

    private static string Collapse(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>The page's own publication date: <c>article:published_time</c>, a <c>date</c> meta, or the first <c>time[datetime]</c>.</summary>
    private static CalendarDay? PublishedDate(IDocument document)
    {
        var candidates = new[]
        {
            document.QuerySelector("meta[property='article:published_time']")?.GetAttribute("content"),
            document.QuerySelector("meta[name='date']")?.GetAttribute("content"),
            document.QuerySelector("meta[itemprop='datePublished']")?.GetAttribute("content"),
            document.QuerySelector("time[datetime]")?.GetAttribute("datetime"),
        };
        foreach (var value in candidates)
        {
            if (value is { Length: >= 10 } && CalendarDay.TryParse(value[..10], out var day))
            {
                return day;
            }

            if (value is not null && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
            {
                return CalendarDay.FromDateTime(instant.UtcDateTime);
            }
        }

        return null;
    }
}
