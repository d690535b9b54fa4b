using System.Globalization;
using System.Text;
using Microsoft.Extensions.Compliance.Redaction;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// The structured state of a log record with the values of sensitive fields redacted, and its message
/// formatted again from the template with the redacted values, so neither the fields nor the message
/// carry the secret.
/// </summary>
internal sealed class RedactedLogState : IReadOnlyList<KeyValuePair<string, object?>>
{
    private const string OriginalFormat = "{OriginalFormat}";
    private readonly KeyValuePair<string, object?>[] _fields;
    private readonly string _message;

    private RedactedLogState(KeyValuePair<string, object?>[] fields, string message)
    {
        _fields = fields;
        _message = message;
    }

    public static readonly Func<RedactedLogState, Exception?, string> Formatter = static (state, _) => state._message;

    public int Count => _fields.Length;

    public KeyValuePair<string, object?> this[int index] => _fields[index];

    /// <summary>Returns a redacted copy of <paramref name="state"/>, or <see langword="null"/> when nothing in it is sensitive.</summary>
    public static RedactedLogState? TryCreate<TState>(TState state, SensitiveNames names, Redactor redactor)
    {
        if (state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return null;
        }

        var sensitive = false;
        for (var i = 0; i < fields.Count; i++)
        {
            var key = fields[i].Key;
            if (key != OriginalFormat && (names.IsSensitive(key) || (IsUrlField(key) && RedactQuery(fields[i].Value, names, redactor) is not null)))
            {
                sensitive = true;
                break;
            }
        }

        if (!sensitive)
        {
            return null;
        }

        var copy = new KeyValuePair<string, object?>[fields.Count];
        string? template = null;
        for (var i = 0; i < copy.Length; i++)
        {
            var (key, value) = fields[i];
            if (key == OriginalFormat)
            {
                template = value as string;
                copy[i] = fields[i];
            }
            else
            {
                copy[i] = names.IsSensitive(key) ? new(key, Redact(value, redactor))
                    : IsUrlField(key) && RedactQuery(value, names, redactor) is { } redacted ? new(key, redacted)
                    : fields[i];
            }
        }

        return new RedactedLogState(copy, template is null ? string.Empty : Format(template, copy));
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_fields).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => _fields.GetEnumerator();

    public override string ToString() => _message;

    // Fields that carry a URL or its query (ASP.NET Core hosting's and HTTP logging's QueryString, HttpClient's Uri).
    private static bool IsUrlField(string key) =>
        key.Contains("Query", StringComparison.OrdinalIgnoreCase) || key.Equals("Uri", StringComparison.OrdinalIgnoreCase)
        || key.Equals("Url", StringComparison.OrdinalIgnoreCase) || key.Equals("RequestUri", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The value with the values of its sensitive query parameters redacted (<c>?password=[Redacted]&amp;page=2</c>),
    /// or <see langword="null"/> when it has none.
    /// </summary>
    private static string? RedactQuery(object? value, SensitiveNames names, Redactor redactor)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            Uri uri => uri.OriginalString,
            _ => Convert.ToString(value, CultureInfo.InvariantCulture),
        };
        var question = text?.IndexOf('?') ?? -1;
        if (text is null || question < 0)
        {
            return null;
        }

        var end = text.IndexOf('#', question);
        if (end < 0)
        {
            end = text.Length;
        }

        StringBuilder? builder = null;
        var start = question + 1;
        while (start <= end)
        {
            var amp = text.IndexOf('&', start, end - start);
            var stop = amp < 0 ? end : amp;
            var equals = text.IndexOf('=', start, stop - start);
            if (equals > start && names.IsSensitive(Uri.UnescapeDataString(text[start..equals].Replace('+', ' '))))
            {
                builder ??= new StringBuilder(text.Length).Append(text, 0, start);
                builder.Append(text, start, equals + 1 - start).Append(Redact(text[(equals + 1)..stop], redactor));
            }
            else
            {
                builder?.Append(text, start, stop - start);
            }

            if (amp < 0)
            {
                break;
            }

            builder?.Append('&');
            start = amp + 1;
        }

        return builder?.Append(text, end, text.Length - end).ToString();
    }

    private static string Redact(object? value, Redactor redactor)
    {
        var text = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
        var redacted = redactor.Redact(text);
        return redacted.Length == 0 ? SensitiveNames.Mask : redacted;
    }

    // Message templates: {Name}, {Name,align}, {Name:format}; "{{" and "}}" are literal braces.
    private static string Format(string template, KeyValuePair<string, object?>[] fields)
    {
        var builder = new StringBuilder(template.Length + 32);
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                builder.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                builder.Append('}');
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i) is var end and > 0)
            {
                var hole = template.AsSpan(i + 1, end - i - 1);
                var stop = hole.IndexOfAny(',', ':');
                var name = (stop < 0 ? hole : hole[..stop]).ToString();
                builder.Append(Find(fields, name));
                i = end;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Find(KeyValuePair<string, object?>[] fields, string name)
    {
        foreach (var (key, value) in fields)
        {
            if (key == name)
            {
                return value switch
                {
                    null => "(null)",
                    IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
                    _ => value.ToString() ?? string.Empty,
                };
            }
        }

        return "{" + name + "}";
    }
}
