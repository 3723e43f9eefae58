using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using Timeline.Cli.Infrastructure;
using Timeline.ServiceDefaults.Clients;

namespace Timeline.Cli.Tests;

/// <summary>
/// How a service's addresses are read (one, a comma-separated list, a dns:/// name) by every client
/// (<see cref="ServiceAddresses"/>), what a channel made from them is set to do, and how the CLI
/// refuses a bad list naming the flag or variable it came from.
/// </summary>
public sealed class ServiceAddressesTests
{
    [Fact]
    public void One_address_is_a_plain_channel_with_the_retry_policy()
    {
        var addresses = ServiceAddresses.Parse("http://127.0.0.1:5201");

        Assert.False(addresses.Balanced);
        Assert.Equal(new Uri("http://127.0.0.1:5201"), addresses.ChannelAddress);
        var options = new GrpcChannelOptions();
        addresses.Configure(options);
        var retry = Assert.Single(options.ServiceConfig!.MethodConfigs).RetryPolicy!;
        Assert.Equal([StatusCode.Unavailable], retry.RetryableStatusCodes);
        Assert.True(retry.MaxAttempts >= 3);
        Assert.Empty(options.ServiceConfig.LoadBalancingConfigs);
    }

    [Fact]
    public void A_list_is_balanced_round_robin_over_a_static_resolver_in_the_order_given()
    {
        var addresses = ServiceAddresses.Parse(" http://10.0.0.1:5201 , http://10.0.0.2:5201,http://storage-3:5201");

        Assert.True(addresses.Balanced);
        Assert.False(addresses.Tls);
        Assert.Equal(["http://10.0.0.1:5201/", "http://10.0.0.2:5201/", "http://storage-3:5201/"], addresses.Addresses.Select(a => a.ToString()));
        Assert.Equal("static", addresses.ChannelAddress.Scheme);
        Assert.Equal("http://10.0.0.1:5201, http://10.0.0.2:5201, http://storage-3:5201", addresses.ToString());
        var options = new GrpcChannelOptions();
        addresses.Configure(options);
        Assert.IsType<RoundRobinConfig>(Assert.Single(options.ServiceConfig!.LoadBalancingConfigs));
        Assert.Same(ChannelCredentials.Insecure, options.Credentials);
        Assert.NotNull(options.ServiceProvider);
    }

    [Fact]
    public void Https_addresses_keep_tls_and_a_dns_name_resolves_every_address()
    {
        var tls = ServiceAddresses.Parse("https://a.example:5201,https://b.example:5201");
        var options = new GrpcChannelOptions();
        tls.Configure(options);
        Assert.True(tls.Tls);
        Assert.Same(ChannelCredentials.SecureSsl, options.Credentials);

        var dns = ServiceAddresses.Parse("dns:///storage.internal:5201");
        Assert.True(dns.Balanced);
        Assert.Equal(new Uri("dns:///storage.internal:5201"), dns.ChannelAddress);
        Assert.Equal(dns.Dns, dns.ChannelAddress);
    }

    [Theory]
    [InlineData("", "has an empty address")]
    [InlineData("http://a:5201,,http://b:5201", "has an empty address")]
    [InlineData("http://a:5201,", "has an empty address")]
    [InlineData("a:5201", "has 'a:5201', which is not an address")]
    [InlineData("http://a:5201,ftp://b:21", "has 'ftp://b:21': an address is http://, https:// or dns:///")]
    [InlineData("http://a:5201,not an address", "has 'not an address', which is not an address")]
    [InlineData("http://a:5201,https://b:5201", "mixes http:// and https:// addresses")]
    [InlineData("http://a:5201,http://A:5201/", "names an address twice")]
    [InlineData("dns:///a:5201,http://b:5201", "mixes 'dns:///a:5201' with other addresses")]
    [InlineData("dns:///", "has 'dns:///' without a name")]
    public void A_bad_list_is_refused_with_the_reason(string text, string reason)
    {
        Assert.False(ServiceAddresses.TryParse(text, out _, out var problem));
        Assert.StartsWith(reason, problem, StringComparison.Ordinal);
        Assert.Contains(reason, Assert.Throws<FormatException>(() => ServiceAddresses.Parse(text)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_cli_names_the_flag_or_variable_a_bad_list_came_from()
    {
        var context = CliContext.ForWriters(TextWriter.Null, TextWriter.Null, name => name == "TIMELINE_TIMELINE_ADDRESS" ? "http://a:5202,http://a:5202" : null);
        var (options, root) = Root(context);

        var fromFlag = Assert.Throws<CliException>(() => options.StorageEndpoint(root.Parse("--storage http://a:5201,ftp://b:5201")));
        var fromEnvironment = Assert.Throws<CliException>(() => options.TimelineEndpoint(root.Parse("")));

        Assert.Equal("--storage: 'http://a:5201,ftp://b:5201' has 'ftp://b:5201': an address is http://, https:// or dns:///", fromFlag.Message);
        Assert.Equal("TIMELINE_TIMELINE_ADDRESS: 'http://a:5202,http://a:5202' names an address twice", fromEnvironment.Message);
    }

    [Fact]
    public void The_cli_takes_a_list_and_says_which_addresses_it_was_given()
    {
        var context = CliContext.ForWriters(TextWriter.Null, TextWriter.Null);
        var (options, root) = Root(context);

        var endpoint = options.TimelineEndpoint(root.Parse("--timeline http://a:5202,http://b:5202"));

        Assert.Equal(2, endpoint.Addresses.Addresses.Count);
        Assert.Equal("http://a:5202, http://b:5202 (--timeline)", endpoint.Named);
        Assert.Equal(["http://a:5202 (--timeline)", "http://b:5202 (--timeline)"], endpoint.Each().Select(e => e.Named));
    }

    /// <summary>The CLI's own address options on a command of their own.</summary>
    private static (CommonOptions Options, RootCommand Root) Root(CliContext context)
    {
        var options = new CommonOptions(context);
        return (options, new RootCommand { Options = { options.Storage, options.Timeline } });
    }
}
