using Monolith.Orders;

// The existing monolith: MVC controllers and its own routes.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddControllers();

// One line makes it an application server hosting two more services in-process, and a Node one.
builder.AddWatt(watt =>
{
    // A Minimal API service with its own container: OrderStore exists only inside "orders".
    watt.AddService("orders",
            configure: b => b.Services.AddSingleton<OrderStore>().AddSingleton<WorkerIdentity>(),
            map: OrdersApi.Map)
        .MountAt("/orders");    // appsettings.json (Watt:Services:orders) sets 2 workers and a setting of its own

    // A whole existing ASP.NET Core app (its own Program, controllers, appsettings.json), no port bound.
    watt.AddAspNetCoreApp<Catalog.ProductCatalog>("catalog").MountAt("/catalog");

    // An Express app (Watt.Stackables): a supervised node process behind the mount, calling "orders"
    // with plain fetch('http://orders.plt.local/') through the mesh.
    watt.AddExpress("notifications", "../notifications").MountAt("/notify");
});

var app = builder.Build();
app.UseWatt();          // mounted services first; everything else falls through to the monolith
app.MapControllers();
app.Run();

/// <summary>The sample host's entry point (public so WebApplicationFactory&lt;Program&gt; can use it).</summary>
public partial class Program;
