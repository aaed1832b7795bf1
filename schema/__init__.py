"""The GraphQL layer: thin resolvers over core services (Saleor-style: types, queries, mutations)."""
