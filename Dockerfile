# syntax=docker/dockerfile:1
# MediaProxy: build with the .NET SDK, run on the ASP.NET Core runtime as a non-root user on port 8080.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY MediaProxy.Core/MediaProxy.Core.csproj MediaProxy.Core/
COPY MediaProxy.Api/MediaProxy.Api.csproj MediaProxy.Api/
RUN dotnet restore MediaProxy.Api/MediaProxy.Api.csproj
COPY MediaProxy.Core/ MediaProxy.Core/
COPY MediaProxy.Api/ MediaProxy.Api/
RUN dotnet publish MediaProxy.Api/MediaProxy.Api.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080
# The image's built-in non-root user (uid 1654); no secrets are baked in: configure through the environment.
USER $APP_UID
# Probes: /health/live (process) and /health/ready (Redis answers); orchestrators should use those.
ENTRYPOINT ["dotnet", "MediaProxy.Api.dll"]
