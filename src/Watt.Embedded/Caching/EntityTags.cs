namespace Watt.Embedded.Caching;

/// <summary>
/// Entity-tags of a client's <c>If-None-Match</c> read as received (RFC 9110 §8.8.3, §13.1.2): a list of quoted
/// tags, each with or without <c>W/</c>, or <c>*</c>. An opaque tag may hold any octet but a quote, obs-text
/// included, which the runtime's typed parser refuses (and a typed read would rewrite the request's field); an
/// unquoted member is taken as it stands, as lenient recipients do.
/// </summary>
internal static class EntityTags
{
    /// <summary>Whether a member of <paramref name="field"/> is <c>*</c> or weakly matches <paramref name="etag"/> (§8.8.3.2).</summary>
    public static bool AnyMatches(string field, string etag)
    {
        var text = field.AsSpan();
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && text[i] is ' ' or '\t' or ',')
            {
                i++;
            }

            if (i == text.Length)
            {
                break;
            }

            var start = i;
            if (text[i..].StartsWith("W/", StringComparison.Ordinal))
            {
                i += 2;
            }

            int end;
            if (i < text.Length && text[i] == '"')
            {
                var close = text[(i + 1)..].IndexOf('"');
                end = close < 0 ? text.Length : i + close + 2;
            }
            else
            {
                var comma = text[i..].IndexOf(',');
                end = comma < 0 ? text.Length : i + comma;
            }

            var member = text[start..end].TrimEnd(" \t");
            if (member is "*" || WeakEquals(member, etag))
            {
                return true;
            }

            i = end;
        }

        return false;
    }

    /// <summary>The weak comparison: the opaque tags are the same, whether either is weak or not.</summary>
    public static bool WeakEquals(ReadOnlySpan<char> a, ReadOnlySpan<char> b) => Opaque(a).SequenceEqual(Opaque(b));

    private static ReadOnlySpan<char> Opaque(ReadOnlySpan<char> tag)
    {
        tag = tag.Trim(" \t");
        return tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag;
    }
}
