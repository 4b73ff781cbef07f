"""Cases: a client, couple or family taken from intake to closure by a case manager."""
