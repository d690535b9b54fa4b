using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace Watt.Embedded.Telemetry.Logging;

/// <summary>
/// What the loggers of the host and of every service redact: fields whose names are sensitive, through
/// the <see cref="Redactor"/> that Microsoft.Extensions.Compliance.Redaction gives for
/// <see cref="Classification"/> (so a team can map it to an HMAC redactor and keep values correlatable).
/// </summary>
internal sealed class LogRedaction(SensitiveNames names, IRedactorProvider redactors)
{
    /// <summary>The data classification of values Watt redacts by name.</summary>
    public static readonly DataClassification Classification = new("Watt", "SensitiveByName");

    public SensitiveNames Names { get; } = names;

    public Redactor Redactor { get; } = redactors.GetRedactor(new DataClassificationSet(Classification));
}

/// <summary>Replaces a value with <c>[Redacted]</c>: the fallback redactor Watt registers when the application configured none.</summary>
internal sealed class MaskingRedactor : Redactor
{
    public override int GetRedactedLength(ReadOnlySpan<char> input) => SensitiveNames.Mask.Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        SensitiveNames.Mask.AsSpan().CopyTo(destination);
        return SensitiveNames.Mask.Length;
    }
}
