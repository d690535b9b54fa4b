namespace Catalog;

/// <summary>
/// An existing ASP.NET Core application with its own Program, controllers and appsettings.json.
/// It runs on its own (dotnet run) or in-process inside the Monolith through Watt, unchanged.
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddControllers();
        builder.Services.AddSingleton<ProductCatalog>();

        var app = builder.Build();
        app.MapControllers();
        app.MapGet("/", (IConfiguration config) => Results.Text(
            $"{config["Catalog:Title"]}: try GET products or products/1 (relative to this app's base path)."));
        app.Run();
    }
}

/// <summary>The catalog's products (in memory).</summary>
public sealed class ProductCatalog
{
    private readonly Dictionary<int, Product> _products = new()
    {
        [1] = new(1, "Espresso machine", 249.00m),
        [2] = new(2, "Coffee grinder", 89.50m),
        [3] = new(3, "Milk jug", 12.90m),
    };

    public IEnumerable<Product> All => _products.Values;

    public Product? Find(int id) => _products.GetValueOrDefault(id);
}

/// <summary>A product.</summary>
public sealed record Product(int Id, string Name, decimal Price);
