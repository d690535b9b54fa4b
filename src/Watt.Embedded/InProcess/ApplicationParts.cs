using Microsoft.AspNetCore.Mvc.ApplicationParts;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;

namespace Watt.Embedded.InProcess;

/// <summary>
/// Keeps MVC application parts inside their own host. A hosted app is a referenced project, so the host's
/// <c>AddControllers()</c> discovers it as an application part and its controllers (and compiled Razor views)
/// would answer at the host's root, outside its mount and without its own middleware; and the same for the
/// host's (or another hosted app's) parts in a hosted app. Called once a host's services exist and before its
/// first request, whatever order the application registered MVC and Watt in.
/// </summary>
internal static class ApplicationParts
{
    /// <summary>Removes from <paramref name="services"/>' MVC parts every part of the named assemblies (and their <c>.Views</c>-style related assemblies).</summary>
    /// <returns>The names of the parts removed.</returns>
    public static IReadOnlyList<string> Remove(IServiceProvider services, IReadOnlyCollection<string> assemblyNames)
    {
        if (assemblyNames.Count == 0 || services.GetService<ApplicationPartManager>() is not { } manager)
        {
            return [];
        }

        var removed = new List<string>();
        for (var i = manager.ApplicationParts.Count - 1; i >= 0; i--)
        {
            var part = manager.ApplicationParts[i];
            if (Belongs(part.Name, assemblyNames))
            {
                manager.ApplicationParts.RemoveAt(i);
                removed.Add(part.Name);
            }
        }

        if (removed.Count > 0)
        {
            // MVC may have read the parts already (MapControllers does): have it read them again.
            services.GetService<PartsChange>()?.Signal();
        }

        return removed;
    }

    private static bool Belongs(string partName, IReadOnlyCollection<string> assemblyNames)
    {
        foreach (var name in assemblyNames)
        {
            if (string.Equals(partName, name, StringComparison.OrdinalIgnoreCase)
                || (partName.StartsWith(name, StringComparison.OrdinalIgnoreCase) && partName.Length > name.Length && partName[name.Length] == '.'
                    && partName.EndsWith(".Views", StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Tells MVC that the application parts changed, so the actions (and the endpoints made of them) are computed
/// again without the parts removed. Registered in every container Watt hosts parts in, whatever the order.
/// </summary>
internal sealed class PartsChange : IActionDescriptorChangeProvider, IDisposable
{
    private CancellationTokenSource _changed = new();

    public IChangeToken GetChangeToken() => new CancellationChangeToken(_changed.Token);

    public void Signal()
    {
        var previous = Interlocked.Exchange(ref _changed, new CancellationTokenSource());
        previous.Cancel();
        previous.Dispose();
    }

    public void Dispose() => _changed.Dispose();

    /// <summary>Registers it as MVC's change provider in <paramref name="services"/>.</summary>
    public static void AddTo(IServiceCollection services)
    {
        services.AddSingleton<PartsChange>();
        services.AddSingleton<IActionDescriptorChangeProvider>(sp => sp.GetRequiredService<PartsChange>());
    }
}
