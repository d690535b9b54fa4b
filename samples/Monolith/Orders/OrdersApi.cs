namespace Monolith.Orders;

/// <summary>The "orders" service: a Minimal API that runs as its own isolated service inside the monolith.</summary>
public static class OrdersApi
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/", (OrderStore store) => store.All);
        app.MapGet("/{id:int}", (int id, OrderStore store) =>
            store.Find(id) is { } order ? Results.Ok(order) : Results.NotFound());
        app.MapPost("/", (NewOrder order, OrderStore store, HttpContext context, ILogger<OrderStore> logger) =>
        {
            var created = store.Add(order);
            logger.LogInformation("Order {OrderId} placed: {Quantity} x {Product}", created.Id, created.Quantity, created.Product);
            // PathBase is the mount (/orders), so links built from the request are right from outside.
            return Results.Created($"{context.Request.PathBase}/{created.Id}", created);
        });
        // A call to another service through the in-memory mesh: no socket, same trace, cached per RFC 9111.
        app.MapGet("/{id:int}/product", async (int id, OrderStore store, IHttpClientFactory clients) =>
        {
            if (store.Find(id) is not { } order)
            {
                return Results.NotFound();
            }

            var products = await clients.CreateClient().GetFromJsonAsync<CatalogPage>("http://catalog.plt.local/products");
            var product = products?.Products.FirstOrDefault(p => p.Name == order.Product);
            return Results.Ok(new { order, product });
        });
        app.MapGet("/whoami", (HttpContext context, IConfiguration config, WorkerIdentity worker) => new
        {
            service = "orders",
            worker = worker.Id,
            pathBase = context.Request.PathBase.Value,
            path = context.Request.Path.Value,
            currency = config["Currency"],
        });
    }
}

/// <summary>The catalog's product list, as the orders service reads it over the mesh.</summary>
public sealed record CatalogPage(string Title, List<CatalogProduct> Products);

/// <summary>A product of the catalog.</summary>
public sealed record CatalogProduct(int Id, string Name, decimal Price);

/// <summary>Identifies one worker (container) of the service.</summary>
public sealed class WorkerIdentity
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>An order.</summary>
public sealed record Order(int Id, string Product, int Quantity);

/// <summary>The body of POST /orders.</summary>
public sealed record NewOrder(string Product, int Quantity);

/// <summary>The orders of one worker (in memory).</summary>
public sealed class OrderStore
{
    private readonly List<Order> _orders = [new(1, "Espresso machine", 1)];
    private readonly Lock _gate = new();

    public IReadOnlyList<Order> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _orders];
            }
        }
    }

    public Order? Find(int id)
    {
        lock (_gate)
        {
            return _orders.Find(o => o.Id == id);
        }
    }

    public Order Add(NewOrder order)
    {
        lock (_gate)
        {
            var created = new Order(_orders.Count + 1, order.Product, order.Quantity);
            _orders.Add(created);
            return created;
        }
    }
}
