using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace Watt.Embedded.Caching;

/// <summary>
/// Headers prepared once and copied into many responses: what a fresh hit sends (the stored headers, its
/// <c>Age</c> and <c>Cache-Status</c> for the current second, the content headers). Adding headers one by one
/// parses and validates each name every time, which was most of a hit's cost; a template is copied in one
/// step by <see cref="HttpHeaders"/>' own copy (the one <see cref="HttpClient"/> uses for its default request
/// headers: parsed names and values, one array). That copy is not public: it is reached through
/// <see cref="UnsafeAccessorAttribute"/>, probed once, and should a runtime not have it, every template is
/// added header by header instead, with the same result.
/// </summary>
internal sealed class HeaderTemplate
{
    /// <summary>Whether this runtime has the one-step copy (tests turn it off to check the fallback).</summary>
    internal static bool BulkCopy { get; set; } = Probe();

    private readonly HttpHeaders _headers;
    private readonly List<KeyValuePair<string, string[]>> _added = [];

    private HeaderTemplate(HttpHeaders headers) => _headers = headers;

    /// <summary>A template of response headers.</summary>
    public static HeaderTemplate ForResponse() => new(new HttpResponseMessage().Headers);

    /// <summary>A template of content headers.</summary>
    public static HeaderTemplate ForContent() => new(new ByteArrayContent([]).Headers);

    /// <summary>Adds headers as stored (without validation, as a response served from cache repeats them).</summary>
    public HeaderTemplate Add(KeyValuePair<string, string[]>[] headers)
    {
        foreach (var header in headers)
        {
            Add(header.Key, header.Value);
        }

        return this;
    }

    /// <summary>Adds one header.</summary>
    public HeaderTemplate Add(string name, params string[] values)
    {
        AddTo(_headers, name, values);
        _added.Add(new(name, values));
        return this;
    }

    /// <summary>Adds a header as stored, without validation (a single value without allocating an enumeration).</summary>
    internal static void AddTo(HttpHeaders target, string name, string[] values)
    {
        if (values.Length == 1)
        {
            target.TryAddWithoutValidation(name, values[0]);
        }
        else
        {
            target.TryAddWithoutValidation(name, values);
        }
    }

    /// <summary>Copies the template into <paramref name="target"/>, a header collection of the same kind with no header yet.</summary>
    public void CopyTo(HttpHeaders target)
    {
        if (BulkCopy)
        {
            AddHeaders(target, _headers);
            return;
        }

        foreach (var (name, values) in _added)
        {
            AddTo(target, name, values);
        }
    }

    // HttpHeaders.AddHeaders(HttpHeaders): copies another collection of the same type, values as stored.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "AddHeaders")]
    private static extern void AddHeaders(HttpHeaders target, HttpHeaders source);

    private static bool Probe()
    {
        try
        {
            var source = new HttpResponseMessage().Headers;
            source.TryAddWithoutValidation("Age", "1");
            source.TryAddWithoutValidation("X-Probe", ["a", "b"]);
            var target = new HttpResponseMessage().Headers;
            AddHeaders(target, source);
            return target.NonValidated.TryGetValues("Age", out var age) && age.ToString() == "1"
                && target.NonValidated.TryGetValues("X-Probe", out var probe) && probe.Count == 2;
        }
        catch (Exception ex) when (ex is MissingMethodException or InvalidProgramException)
        {
            return false;
        }
    }
}
