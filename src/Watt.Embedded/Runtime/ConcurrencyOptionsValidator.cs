namespace Watt.Embedded.Runtime;

/// <summary>Checks <see cref="ConcurrencyOptions"/>; every message names the key.</summary>
internal static class ConcurrencyOptionsValidator
{
    /// <param name="key">The options' configuration key (<c>Watt:Concurrency</c>, <c>Watt:Services:orders:Concurrency</c>).</param>
    /// <param name="concurrency">The options.</param>
    /// <param name="errors">Where problems are added.</param>
    public static void Validate(string key, ConcurrencyOptions concurrency, ICollection<string> errors)
    {
        if (concurrency.MaxConcurrentRequests < 0)
        {
            errors.Add($"{key}:MaxConcurrentRequests must be 0 (no limit) or more (was {concurrency.MaxConcurrentRequests}).");
        }

        if (concurrency.RequestQueueLimit < 0)
        {
            errors.Add($"{key}:RequestQueueLimit must be 0 or more (was {concurrency.RequestQueueLimit}).");
        }
    }
}
