"""The assistant: free text -> NLP -> the domain service for the intent -> a rendered reply."""
