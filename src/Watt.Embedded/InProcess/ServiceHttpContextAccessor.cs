using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Watt.Embedded.InProcess;

/// <summary>
/// The <see cref="IHttpContextAccessor"/> of in-process services. The framework's accessor keeps the current
/// context in one process-wide async-local and clears whatever context is current when a new one is set; in a
/// service, that current context is the host's, so a service setting its own would leave the host's accessor
/// (and the host's callbacks after the service answered) without a context. This one is the same accessor
/// with an async-local of its own, shared by services but not with the host, and setting a context replaces
/// the current one without clearing it (the service's request ends by setting <see langword="null"/>, which
/// clears it in every flow that shares it, as the framework's does).
/// </summary>
internal sealed class ServiceHttpContextAccessor : IHttpContextAccessor
{
    private static readonly AsyncLocal<Holder?> Current = new();

    public HttpContext? HttpContext
    {
        get => Current.Value?.Context;
        set
        {
            if (value is null)
            {
                if (Current.Value is { } holder)
                {
                    holder.Context = null;
                }

                return;
            }

            Current.Value = new Holder { Context = value };
        }
    }

    /// <summary>Gives a service that registered the framework's accessor this one instead.</summary>
    public static void ReplaceFrameworkAccessor(IServiceCollection services)
    {
        for (var i = 0; i < services.Count; i++)
        {
            var descriptor = services[i];
            if (descriptor.ServiceType == typeof(IHttpContextAccessor) && descriptor.ImplementationType == typeof(HttpContextAccessor))
            {
                services[i] = ServiceDescriptor.Describe(typeof(IHttpContextAccessor), typeof(ServiceHttpContextAccessor), descriptor.Lifetime);
            }
        }
    }

    private sealed class Holder
    {
        public HttpContext? Context { get; set; }
    }
}
