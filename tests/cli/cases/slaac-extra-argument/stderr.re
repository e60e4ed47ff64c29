sixplane: .*'2001:db8:2::/64'.* \(try 'sixplane slaac --help'\)
