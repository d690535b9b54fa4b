using System.Text.RegularExpressions;

namespace Watt.Embedded.Hosting;

/// <summary>Service names are DNS labels, because services are reached as <c>NAME.plt.local</c>.</summary>
internal static partial class ServiceNames
{
    public static bool IsValid(string name) => !string.IsNullOrWhiteSpace(name) && Label().IsMatch(name);

    public static void Validate(string name, string paramName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name, paramName);
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid service name: use 1 to 63 letters, digits or '-', starting and ending with a letter or digit (it becomes the host name '{name}.<mesh domain>').",
                paramName);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex Label();
}
