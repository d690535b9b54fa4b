using Watt.Cli;

return await WattCommand.Create(Console.Out, Console.Error).Parse(args).InvokeAsync().ConfigureAwait(false);
